# Cross-compiling for linux-arm64 (aarch64) with Debian's g++-aarch64-linux-gnu:
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake
# The binaries run on a board, or here under qemu: qemu-aarch64 -L /usr/aarch64-linux-gnu ./x
# Baseline armv8-a (NEON is mandatory there): one binary for every 64-bit ARM board.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(LITEINFER_CROSS_TRIPLE aarch64-linux-gnu)
set(LITEINFER_CROSS_QEMU qemu-aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake)
