# Cross build for arm64 (AArch64 Linux, glibc) with Debian's cross
# toolchain and the arm64 builds of the libraries installed beside the
# host's (scripts/install-deps --arch=arm64):
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake
# Every test whose command is a target of this build runs under
# qemu-aarch64 (CMAKE_CROSSCOMPILING_EMULATOR), so `ctest -L unit` there
# runs the cmocka suites on an emulated arm64 CPU.  Times under emulation
# mean nothing; instruction counts and stack bytes are the arm64 build's.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

# Libraries and headers from the target's Multi-Arch directories only;
# programs (cmake, python3, ld.lld) from the host.
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu /usr/lib/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
# pkg-config: the arm64 .pc files, never the host's.
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig)
set(ENV{PKG_CONFIG_PATH} "")

# -L /: the loader and libc of libc6:arm64 (Multi-Arch, installed with the
# arm64 libraries), which /etc/ld.so.cache names.  -L /usr/aarch64-linux-gnu
# would pair the cross package's ld.so (2.36-8cross1) with that libc
# (2.36-9+deb12u*), and its first pthread_create spins for ever in a
# stack-cache list the two lay out differently.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -L /)
