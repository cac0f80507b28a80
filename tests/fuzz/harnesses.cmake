# The harnesses of tests/fuzz: every fuzz_<name>.c, one libFuzzer target each (GLCA_FUZZ) and
# all of them in the Criterion suite's replay of kept inputs.  Adding a harness is adding a file.
file(GLOB glca_fuzz_sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/fuzz_*.c)
set(GLCA_FUZZ_HARNESSES "")
foreach(src ${glca_fuzz_sources})
  get_filename_component(name ${src} NAME_WE)
  string(REGEX REPLACE "^fuzz_" "" name ${name})
  list(APPEND GLCA_FUZZ_HARNESSES ${name})
endforeach()
list(SORT GLCA_FUZZ_HARNESSES)
