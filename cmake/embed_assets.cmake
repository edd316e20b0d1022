# Writes OUTPUT: a C++ file defining coffer::http::EmbeddedAssets() over every file under
# SOURCE_DIR, so the panel ships inside the binary. Run as `cmake -P` by src/http.
file(GLOB_RECURSE files RELATIVE "${SOURCE_DIR}" "${SOURCE_DIR}/*")
list(SORT files)
set(body "")
set(table "")
set(index 0)
foreach(file IN LISTS files)
  file(READ "${SOURCE_DIR}/${file}" hex HEX)
  string(LENGTH "${hex}" hex_length)
  math(EXPR size "${hex_length} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
  string(APPEND body "const char kAsset${index}[] = {${bytes} 0};\n")
  string(APPEND table "    {\"/${file}\", std::string_view(kAsset${index}, ${size})},\n")
  math(EXPR index "${index} + 1")
endforeach()
file(WRITE "${OUTPUT}.tmp" "// Generated from web/ at build time; do not edit.
#include \"http/static_assets.hpp\"

namespace coffer::http {
namespace {
${body}}  // namespace

const std::vector<EmbeddedAsset>& EmbeddedAssets() {
  static const std::vector<EmbeddedAsset> assets = {
${table}  };
  return assets;
}

}  // namespace coffer::http
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
