# Writes OUT (release_label.h) with the build's release label: LABEL when
# given (ZUFANG_RELEASE at configure time), else `git describe --always
# --dirty` of SOURCE_DIR and that commit's time. The file is rewritten only
# when the label changes, so a build of the same commit recompiles nothing.
if(LABEL STREQUAL "")
  execute_process(COMMAND git -C "${SOURCE_DIR}" describe --always --dirty --tags
                  OUTPUT_VARIABLE describe OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE rc)
  execute_process(COMMAND git -C "${SOURCE_DIR}" log -1 --format=%cd --date=format-local:%Y%m%dT%H%M%SZ
                  OUTPUT_VARIABLE when OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(NOT rc EQUAL 0 OR describe STREQUAL "")
    set(LABEL "unversioned")
  else()
    set(LABEL "${describe}-${when}")
  endif()
endif()
string(REGEX REPLACE "[^A-Za-z0-9._+-]" "_" LABEL "${LABEL}")
set(content "#define ZUFANG_RELEASE_LABEL \"${LABEL}\"\n")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
else()
  set(old "")
endif()
if(NOT old STREQUAL content)
  file(WRITE "${OUT}" "${content}")
endif()
