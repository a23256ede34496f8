# Cross-compiling for linux-arm (armv7-a hard-float with NEON, e.g. a Raspberry Pi 2/3/4 running a
# 32-bit OS) with Debian's g++-arm-linux-gnueabihf:
#   cmake -S . -B build-armv7 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/arm-linux-gnueabihf.cmake
# Run here under qemu: qemu-arm -L /usr/arm-linux-gnueabihf ./x
# Debian's armhf baseline is armv7-a + VFPv3-D16 without NEON; the engine stays at that baseline
# (cpu/features.cc reads HWCAP_NEON at run time) and only the NEON kernel files get -mfpu=neon.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR armv7l)
set(LITEINFER_CROSS_TRIPLE arm-linux-gnueabihf)
set(LITEINFER_CROSS_QEMU qemu-arm)
include(${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake)
