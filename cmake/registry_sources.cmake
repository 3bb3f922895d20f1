# The registries' folders (strategies/, bench/workloads/, bench/suites/):
# a new strategy, workload or suite is one file there and one line in its
# table, with no edit to a CMakeLists.txt.  pcb_registry_sources(VAR DIR
# PREFIX) appends to VAR every DIR/*.c that VAR does not name yet, sorted,
# each as PREFIX<file>.  The files a list already names keep their place:
# that is the link order the committed figures were taken with.
function(pcb_registry_sources var dir prefix)
  file(GLOB found RELATIVE ${dir} CONFIGURE_DEPENDS ${dir}/*.c)
  list(SORT found)
  set(out ${${var}})
  foreach(f IN LISTS found)
    if(NOT "${prefix}${f}" IN_LIST out)
      list(APPEND out "${prefix}${f}")
    endif()
  endforeach()
  set(${var} ${out} PARENT_SCOPE)
endfunction()
