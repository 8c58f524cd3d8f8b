# gnu-efi's crt0 runs no global constructors, so the kernel must have none: every
# global is constant-initialised (constinit/constexpr constructors). This check
# turns a forgotten dynamic initialiser into a build error instead of an object
# that silently stays zero at boot.
execute_process(COMMAND objdump -h ${ELF} OUTPUT_VARIABLE sections RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "objdump failed on ${ELF}")
endif()
if(sections MATCHES "\\.(init_array|ctors|preinit_array)")
    message(FATAL_ERROR "${ELF} has global constructors (.init_array/.ctors); "
        "make the offending globals constinit")
endif()
