# SPDX-License-Identifier: Apache-2.0
# add_cli_test(NAME name ARGS arg... EXIT code
#              [STDOUT regex...] [STDERR regex...] [NOT_STDOUT regex...] [NOT_STDERR regex...]
#              [FILES_EXIST file...] [FILES_ABSENT file...] [SETUP "sh snippet"] [CHECK "sh snippet"]
#              [ENV VAR=value...] [STDIN "text"] [AS_NOBODY] [LABELS label...])
# Each case runs in its own directory (build/tests/cli/work/<name>) holding a `certs-test`
# link, so ARGS name fixtures as certs-test/... and outputs as plain relative names. On a
# failing exit, list the output in FILES_ABSENT: no partial output may be left behind.
# SETUP runs before and CHECK after smimekit, with `sh -c` in that directory; $SMIMEKIT names
# the binary there. CMake splits arguments at ';', so shell snippets use newlines or && instead,
# and its regular expressions have no {n} repetition.
function(add_cli_test)
    cmake_parse_arguments(T "AS_NOBODY" "NAME;EXIT;SETUP;CHECK;STDIN"
        "ARGS;STDOUT;STDERR;NOT_STDOUT;NOT_STDERR;FILES_EXIST;FILES_ABSENT;ENV;LABELS" ${ARGN})
    if(NOT T_NAME OR NOT DEFINED T_EXIT)
        message(FATAL_ERROR "add_cli_test needs NAME and EXIT")
    endif()
    add_test(NAME cli-${T_NAME}
        COMMAND ${CMAKE_COMMAND}
            "-DSMIMEKIT=$<TARGET_FILE:smimekit_cli>"
            "-DWORKDIR=${CMAKE_CURRENT_BINARY_DIR}/work/${T_NAME}"
            "-DCERTS=${PROJECT_SOURCE_DIR}/certs-test"
            "-DARGS=${T_ARGS}"
            "-DEXPECT_EXIT=${T_EXIT}"
            "-DSTDOUT=${T_STDOUT}"
            "-DSTDERR=${T_STDERR}"
            "-DNOT_STDOUT=${T_NOT_STDOUT}"
            "-DNOT_STDERR=${T_NOT_STDERR}"
            "-DFILES_EXIST=${T_FILES_EXIST}"
            "-DFILES_ABSENT=${T_FILES_ABSENT}"
            "-DSETUP=${T_SETUP}"
            "-DCHECK=${T_CHECK}"
            "-DSTDIN_TEXT=${T_STDIN}"
            "-DENV_VARS=${T_ENV}"
            "-DAS_NOBODY=${T_AS_NOBODY}"
            -P ${PROJECT_SOURCE_DIR}/tests/cli/run_cli_test.cmake)
    set_tests_properties(cli-${T_NAME} PROPERTIES LABELS "cli;${T_LABELS}")
endfunction()
