# SPDX-License-Identifier: Apache-2.0
# Runs one CLI test case (see add_cli_test in tests/cli/CMakeLists.txt): prepares a fresh working
# directory with a `certs-test` link, runs smimekit, and asserts the exit status, patterns on
# stdout and stderr, which files exist afterwards, and that no temporary file was left behind.
cmake_minimum_required(VERSION 3.25)

file(REMOVE_RECURSE "${WORKDIR}")
file(MAKE_DIRECTORY "${WORKDIR}")
file(CREATE_LINK "${CERTS}" "${WORKDIR}/certs-test" SYMBOLIC)

# The environment of smimekit, SETUP and CHECK: $SMIMEKIT plus the case's ENV settings.
set(ENV{SMIMEKIT} "${SMIMEKIT}")
foreach(setting IN LISTS ENV_VARS)
    string(FIND "${setting}" "=" equals)
    string(SUBSTRING "${setting}" 0 ${equals} name)
    math(EXPR value_start "${equals} + 1")
    string(SUBSTRING "${setting}" ${value_start} -1 value)
    set(ENV{${name}} "${value}")
endforeach()
set(prefix "")

if(AS_NOBODY)
    # Permission tests mean nothing to root, which reads any file: run as nobody instead.
    execute_process(COMMAND id -u OUTPUT_VARIABLE uid OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(uid STREQUAL "0")
        list(PREPEND prefix setpriv --reuid=65534 --regid=65534 --clear-groups)
        execute_process(COMMAND chmod -R a+rwX "${WORKDIR}")
    endif()
endif()

if(SETUP)
    execute_process(COMMAND sh -c "${SETUP}" WORKING_DIRECTORY "${WORKDIR}"
                    RESULT_VARIABLE setup_status OUTPUT_VARIABLE setup_out ERROR_VARIABLE setup_out)
    if(NOT setup_status EQUAL 0)
        message(FATAL_ERROR "setup failed (${setup_status}): ${SETUP}\n${setup_out}")
    endif()
endif()

if(STDIN_TEXT)
    file(WRITE "${WORKDIR}/.stdin" "${STDIN_TEXT}\n")
    set(input_file "${WORKDIR}/.stdin")
else()
    set(input_file /dev/null)
endif()

execute_process(COMMAND ${prefix} ${SMIMEKIT} ${ARGS}
                WORKING_DIRECTORY "${WORKDIR}"
                INPUT_FILE "${input_file}"
                RESULT_VARIABLE status
                OUTPUT_VARIABLE out
                ERROR_VARIABLE err)

set(failures "")
if(NOT "${status}" STREQUAL "${EXPECT_EXIT}")
    string(APPEND failures "exit status ${status}, expected ${EXPECT_EXIT}\n")
endif()
foreach(pattern IN LISTS STDOUT)
    if(NOT out MATCHES "${pattern}")
        string(APPEND failures "stdout does not match: ${pattern}\n")
    endif()
endforeach()
foreach(pattern IN LISTS STDERR)
    if(NOT err MATCHES "${pattern}")
        string(APPEND failures "stderr does not match: ${pattern}\n")
    endif()
endforeach()
foreach(pattern IN LISTS NOT_STDOUT)
    if(out MATCHES "${pattern}")
        string(APPEND failures "stdout matches what it must not: ${pattern}\n")
    endif()
endforeach()
foreach(pattern IN LISTS NOT_STDERR)
    if(err MATCHES "${pattern}")
        string(APPEND failures "stderr matches what it must not: ${pattern}\n")
    endif()
endforeach()
# An error is one line naming the cause (a hint and --verbose detail may follow on their own lines).
if(NOT EXPECT_EXIT EQUAL 0 AND NOT EXPECT_EXIT EQUAL 1)
    if(NOT err MATCHES "smimekit: error: ")
        string(APPEND failures "no 'smimekit: error:' line on stderr\n")
    endif()
endif()
foreach(file IN LISTS FILES_EXIST)
    if(NOT EXISTS "${WORKDIR}/${file}")
        string(APPEND failures "expected output file missing: ${file}\n")
    endif()
endforeach()
foreach(file IN LISTS FILES_ABSENT)
    if(EXISTS "${WORKDIR}/${file}")
        string(APPEND failures "file must not exist after the run: ${file}\n")
    endif()
endforeach()
file(GLOB_RECURSE leftovers LIST_DIRECTORIES false "${WORKDIR}/.*.smimekit-*")
if(leftovers)
    string(APPEND failures "temporary files left behind: ${leftovers}\n")
endif()
if(CHECK)
    execute_process(COMMAND sh -c "${CHECK}" WORKING_DIRECTORY "${WORKDIR}"
                    RESULT_VARIABLE check_status OUTPUT_VARIABLE check_out ERROR_VARIABLE check_out)
    if(NOT check_status EQUAL 0)
        string(APPEND failures "check failed (${check_status}): ${CHECK}\n${check_out}\n")
    endif()
endif()

if(failures)
    string(REPLACE ";" " " shown "${ARGS}")
    message(FATAL_ERROR "smimekit ${shown}\n${failures}--- stdout ---\n${out}--- stderr ---\n${err}")
endif()
