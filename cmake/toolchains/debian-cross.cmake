# Shared part of the Debian cross toolchain files: LITEINFER_CROSS_TRIPLE names the triple
# (aarch64-linux-gnu, arm-linux-gnueabihf). The compilers are Debian's g++-<triple> packages;
# the sysroot is Debian's multiarch tree /usr/<triple> (the same one qemu-user's -L takes).
if(NOT LITEINFER_CROSS_TRIPLE)
  message(FATAL_ERROR "set LITEINFER_CROSS_TRIPLE before including debian-cross.cmake")
endif()
find_program(LITEINFER_CROSS_CXX NAMES ${LITEINFER_CROSS_TRIPLE}-g++ ${LITEINFER_CROSS_TRIPLE}-g++-12)
if(NOT LITEINFER_CROSS_CXX)
  message(FATAL_ERROR "${LITEINFER_CROSS_TRIPLE}-g++ not found: apt-get install g++-${LITEINFER_CROSS_TRIPLE}")
endif()
set(CMAKE_CXX_COMPILER ${LITEINFER_CROSS_CXX})
set(CMAKE_FIND_ROOT_PATH /usr/${LITEINFER_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# Try-compiles build a static library, so configuring never needs to run a target binary.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
# How to run a target binary on this x86 host: Debian's qemu-user with the multiarch sysroot.
if(LITEINFER_CROSS_QEMU)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${LITEINFER_CROSS_QEMU} -L /usr/${LITEINFER_CROSS_TRIPLE})
endif()
# GCC's notes that the ARM parameter-passing ABI of some types changed in GCC 7.1 concern mixing
# objects built by older compilers; everything here is built by one compiler.
set(CMAKE_CXX_FLAGS_INIT "-Wno-psabi")
