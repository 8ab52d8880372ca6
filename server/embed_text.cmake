# Writes a C++ source holding a text file as one string constant, so that the
# binary serves the very document the repository holds. Run as
#   cmake -DINPUT=file -DOUTPUT=file.cpp -DNAME=identifier -P embed_text.cmake
file(READ "${INPUT}" text)
string(FIND "${text}" ")text\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} holds the raw string's end marker )text\"")
endif()
file(WRITE "${OUTPUT}" "// Generated from ${INPUT} by server/embed_text.cmake; do not edit.\n"
                       "extern const char* const ${NAME};\n"
                       "const char* const ${NAME} = R\"text(${text})text\";\n")
