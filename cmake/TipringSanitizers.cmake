# Global sanitizer flags for the asan preset: every target, tests included, so a leak or
# an undefined operation anywhere fails the run.
if(TIPRING_SANITIZE)
  if(MSVC)
    add_compile_options(/fsanitize=address)
  else()
    add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                        -fno-sanitize-recover=undefined)
    add_link_options(-fsanitize=address,undefined)
  endif()
endif()

# tipring_fuzz_target(<name> SOURCES ... LIBS ... CORPUS <dir>)
# Builds a libFuzzer binary (clang only) and registers a bounded smoke run under the
# `fuzz-smoke` ctest label: the seed corpus first, then a few seconds of mutation.
function(tipring_fuzz_target name)
  cmake_parse_arguments(F "" "CORPUS;SECONDS" "SOURCES;LIBS" ${ARGN})
  if(NOT TIPRING_BUILD_FUZZ)
    return()
  endif()
  if(NOT F_SECONDS)
    set(F_SECONDS 20)
  endif()
  add_executable(${name} ${F_SOURCES})
  target_link_libraries(${name} PRIVATE ${F_LIBS})
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  set(work "${CMAKE_CURRENT_BINARY_DIR}/${name}-corpus")
  add_test(NAME ${name}-smoke
    COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=1
            $<TARGET_FILE:${name}> -max_total_time=${F_SECONDS} -rss_limit_mb=2048
            -timeout=10 -print_final_stats=1 ${work} ${F_CORPUS})
  set_tests_properties(${name}-smoke PROPERTIES LABELS "fuzz-smoke"
    FIXTURES_REQUIRED ${name}-corpus TIMEOUT 300)
  add_test(NAME ${name}-corpus-dir COMMAND ${CMAKE_COMMAND} -E make_directory ${work})
  set_tests_properties(${name}-corpus-dir PROPERTIES FIXTURES_SETUP ${name}-corpus
    LABELS "fuzz-smoke")
endfunction()
