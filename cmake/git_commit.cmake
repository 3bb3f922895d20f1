# Run at build time (bench/CMakeLists.txt): writes OUT, a header defining
# PCB_GIT_COMMIT, the source tree's commit (with -dirty when tracked files
# differ from it), and rewrites it only when that changed, so a rebuild
# after a commit records the new commit and a rebuild without one
# recompiles nothing.
execute_process(COMMAND git rev-parse --short=12 HEAD
                WORKING_DIRECTORY ${SRC}
                OUTPUT_VARIABLE commit
                OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
execute_process(COMMAND git status --porcelain --untracked-files=no
                WORKING_DIRECTORY ${SRC}
                OUTPUT_VARIABLE dirty ERROR_QUIET)
if(NOT commit)
  set(commit unknown)
elseif(dirty)
  set(commit "${commit}-dirty")
endif()
set(text "/* Written at build time by cmake/git_commit.cmake. */\n#define PCB_GIT_COMMIT \"${commit}\"\n")
set(old "")
if(EXISTS ${OUT})
  file(READ ${OUT} old)
endif()
if(NOT old STREQUAL text)
  file(WRITE ${OUT} "${text}")
endif()
