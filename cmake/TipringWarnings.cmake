# tipring_warnings(<target>): the project's warning set, as errors, on our own code only.
# Third-party headers come in as SYSTEM includes (imported targets), so they are not affected.
function(tipring_warnings target)
  if(MSVC)
    target_compile_options(${target} PRIVATE /W4 /permissive-)
    if(TIPRING_WARNINGS_AS_ERRORS)
      target_compile_options(${target} PRIVATE /WX)
    endif()
  else()
    target_compile_options(${target} PRIVATE
      -Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow
      -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual -Wnull-dereference
      -Wimplicit-fallthrough)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
      # GCC 12 at -O3 reports -Wrestrict inside libstdc++'s std::string append/insert
      # (GCC bug 105329), a false positive in code we do not own.
      target_compile_options(${target} PRIVATE -Wno-restrict)
    endif()
    if(TIPRING_WARNINGS_AS_ERRORS)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
endfunction()

# tipring_test_warnings(<target>): tests use gtest macros that trip -Wsign-conversion etc.;
# keep the core set as errors there, without the strict conversion family.
function(tipring_test_warnings target)
  if(MSVC)
    target_compile_options(${target} PRIVATE /W4)
  else()
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow)
    if(TIPRING_WARNINGS_AS_ERRORS)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
endfunction()
