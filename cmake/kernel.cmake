# The kernel: freestanding C++20 objects, linked as a position-independent ELF
# shared object with gnu-efi's crt0 and rota's own linker script (cmake/rota.lds,
# gnu-efi's with every differently protected part on its own pages), then
# converted to a PE32+ EFI application (subsystem 10) with objcopy.

find_file(GNU_EFI_CRT0 crt0-efi-x86_64.o PATHS /usr/lib /usr/lib/x86_64-linux-gnu REQUIRED)
find_library(GNU_EFI_LIB gnuefi PATHS /usr/lib /usr/lib/x86_64-linux-gnu REQUIRED)
find_path(GNU_EFI_INCLUDE efi.h PATHS /usr/include/efi REQUIRED)
find_program(OBJCOPY objcopy REQUIRED)

set(ROTA_KERNEL_FLAGS
    -ffreestanding -fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-use-cxa-atexit
    -fno-stack-protector -fno-strict-aliasing -fpic -fvisibility=hidden -fshort-wchar
    -mno-red-zone -fno-math-errno -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer
    -fno-asynchronous-unwind-tables -fno-builtin-malloc -ffunction-sections -O2 -g
    # A frame larger than a page is probed page by page as it is allocated, so a
    # stack overflow always touches the guard page below the stack instead of
    # jumping over it (docs/memory.md). Several frames here exceed 4 KiB.
    -fstack-clash-protection)

list(TRANSFORM ROTA_PURE_SOURCES PREPEND ${CMAKE_SOURCE_DIR}/ OUTPUT_VARIABLE _pure)
list(TRANSFORM ROTA_KERNEL_SOURCES PREPEND ${CMAKE_SOURCE_DIR}/ OUTPUT_VARIABLE _kernel)
list(TRANSFORM ROTA_EFI_SOURCES PREPEND ${CMAKE_SOURCE_DIR}/ OUTPUT_VARIABLE _efi)

# The kernel proper never sees gnu-efi's headers; only efi/ does.
add_library(rota_kernel_objects OBJECT ${_pure} ${_kernel})
add_library(rota_efi_objects OBJECT ${_efi})
foreach(target rota_kernel_objects rota_efi_objects)
    target_include_directories(${target} PRIVATE ${CMAKE_SOURCE_DIR})
    target_compile_options(${target} PRIVATE ${ROTA_KERNEL_FLAGS}
        $<$<COMPILE_LANGUAGE:CXX>:${ROTA_WARNINGS}>)
    target_compile_definitions(${target} PRIVATE ROTA_KERNEL=1
        ROTA_VERSION="${PROJECT_VERSION}")
endforeach()
target_include_directories(rota_efi_objects SYSTEM PRIVATE ${GNU_EFI_INCLUDE}
    ${GNU_EFI_INCLUDE}/x86_64)
target_compile_definitions(rota_efi_objects PRIVATE GNU_EFI_USE_MS_ABI=1)

set(ROTA_LDS ${CMAKE_SOURCE_DIR}/cmake/rota.lds)
set(ROTA_SO ${CMAKE_BINARY_DIR}/rota.so)
set(ROTA_EFI ${CMAKE_BINARY_DIR}/BOOTX64.EFI)

# --no-undefined: a shared link would otherwise accept a reference to a libc or
# libstdc++ symbol (a throwing std:: member, say) and the firmware would load a
# broken image. Here it fails the build.
add_custom_command(OUTPUT ${ROTA_SO}
    COMMAND ${CMAKE_LINKER} -nostdlib -znocombreloc -shared -Bsymbolic --no-undefined
        --warn-common --no-dynamic-linker -z noexecstack
        -T ${ROTA_LDS} ${GNU_EFI_CRT0}
        $<TARGET_OBJECTS:rota_efi_objects> $<TARGET_OBJECTS:rota_kernel_objects>
        ${GNU_EFI_LIB} -o ${ROTA_SO}
    COMMAND ${CMAKE_COMMAND} -DELF=${ROTA_SO} -P ${CMAKE_SOURCE_DIR}/cmake/check_no_ctors.cmake
    DEPENDS rota_efi_objects rota_kernel_objects $<TARGET_OBJECTS:rota_efi_objects>
        $<TARGET_OBJECTS:rota_kernel_objects> ${ROTA_LDS}
        ${CMAKE_SOURCE_DIR}/cmake/check_no_ctors.cmake
    COMMAND_EXPAND_LISTS
    COMMENT "Linking rota.so")

add_custom_command(OUTPUT ${ROTA_EFI}
    COMMAND ${OBJCOPY} -j .text -j .rodata -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela
        -j .rel.* -j .rela.* -j .reloc --target efi-app-x86_64 --subsystem=10
        ${ROTA_SO} ${ROTA_EFI}
    DEPENDS ${ROTA_SO}
    COMMENT "Converting to PE32+: BOOTX64.EFI")

set(ROTA_ESP ${CMAKE_BINARY_DIR}/esp.img)
set(ROTA_USB ${CMAKE_BINARY_DIR}/rota-usb.img)
add_custom_command(OUTPUT ${ROTA_ESP}
    COMMAND ${CMAKE_SOURCE_DIR}/image/make_esp.sh ${ROTA_ESP} ${ROTA_EFI}
        ${CMAKE_SOURCE_DIR}/image/rota.cfg
    DEPENDS ${ROTA_EFI} ${CMAKE_SOURCE_DIR}/image/make_esp.sh ${CMAKE_SOURCE_DIR}/image/rota.cfg
    COMMENT "Making the ESP image esp.img")
# The stick holds its own copy of the volume: inside a partition, the FAT boot
# sector records the sectors before it (image/make_usb.sh).
add_custom_command(OUTPUT ${ROTA_USB}
    COMMAND ${CMAKE_SOURCE_DIR}/image/make_usb.sh ${ROTA_USB} ${ROTA_EFI}
        ${CMAKE_SOURCE_DIR}/image/rota.cfg
    DEPENDS ${ROTA_EFI} ${CMAKE_SOURCE_DIR}/image/make_usb.sh ${CMAKE_SOURCE_DIR}/image/usb.sfdisk
        ${CMAKE_SOURCE_DIR}/image/make_esp.sh ${CMAKE_SOURCE_DIR}/image/rota.cfg
    COMMENT "Making the USB stick image rota-usb.img")

# The images are made from BOOTX64.EFI, which rota_kernel makes. Without the
# target dependency both targets would carry the rules for rota.so and
# BOOTX64.EFI, and a parallel build could run the link twice at once and
# convert a half-written rota.so (CMake's add_custom_command: an output must
# not be listed by two targets that may build in parallel).
add_custom_target(rota_kernel ALL DEPENDS ${ROTA_EFI})
add_custom_target(rota_images ALL DEPENDS ${ROTA_ESP} ${ROTA_USB})
add_dependencies(rota_images rota_kernel)

# The image's protected parts each on pages of their own (cmake/rota.lds).
find_package(Python3 REQUIRED COMPONENTS Interpreter)
add_test(NAME image_layout COMMAND ${Python3_EXECUTABLE}
    ${CMAKE_SOURCE_DIR}/tests/lint/check_image_layout.py --efi ${ROTA_EFI} --elf ${ROTA_SO})
set_tests_properties(image_layout PROPERTIES TIMEOUT 60 LABELS lint)
