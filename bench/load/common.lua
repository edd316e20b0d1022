-- Shared by get.lua and set.lua, which load it with dofile from their own directory.
-- Environment:
--   COFFER_TOKEN or COFFER_TOKEN_FILE   the Bearer token (see bench/load/run.sh)
--   COFFER_APP_ID                       application_id of the items
--   COFFER_KEY_PREFIX                   first part of every key (default "seed")
--   COFFER_KEY_SPACE                    keys are <prefix>:<index modulo this> (0 = no modulo)
--   COFFER_RUN                          tag that keeps keys of repeated set.lua runs apart
--   COFFER_SEED                         "1": set.lua stops after writing every index once
--   COFFER_CHECK                        "0" skips checking every answer for an API error
local M = {}

function M.token()
  local token = os.getenv("COFFER_TOKEN")
  if token == nil or token == "" then
    local path = os.getenv("COFFER_TOKEN_FILE")
    if path == nil or path == "" then error("set COFFER_TOKEN or COFFER_TOKEN_FILE") end
    local file = assert(io.open(path, "r"))
    token = file:read("*l")
    file:close()
  end
  return token
end

function M.setting(name, default)
  local value = os.getenv(name)
  if value == nil or value == "" then return default end
  return value
end

-- The body of a urlencoded POST; `:` in keys is percent-encoded.
function M.encode(text)
  return (string.gsub(text, "[^%w%-%._]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

-- Installs wrk's setup/init/response/done so that every wrk thread builds its own requests
-- with `make_body(thread_id, counter)` and answers carrying an API error are counted. With
-- `stop_after`, each wrk thread stops once it has that many answers.
function M.install(method, make_body, stop_after)
  local threads = {}
  local next_id = 0
  local check = M.setting("COFFER_CHECK", "1") ~= "0"

  function setup(thread)
    thread:set("thread_id", next_id)
    next_id = next_id + 1
    table.insert(threads, thread)
  end

  function init(args)
    counter = 0
    answers = 0
    api_errors = 0
    first_error = nil
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
    wrk.headers["Authorization"] = "Bearer " .. M.token()
    path = "/platform_api/" .. method
  end

  function request()
    counter = counter + 1
    return wrk.format(nil, path, nil, make_body(thread_id, counter))
  end

  if check or stop_after then
    function response(status, headers, body)
      if check and (status ~= 200 or string.find(body, '"error"', 1, true)) then
        api_errors = api_errors + 1
        if first_error == nil then first_error = status .. " " .. body end
      end
      answers = answers + 1
      if stop_after and answers >= stop_after then wrk.thread:stop() end
    end
  end

  function done(summary, latency, requests)
    local total = 0
    local sample = nil
    for _, thread in ipairs(threads) do
      total = total + (thread:get("api_errors") or 0)
      sample = sample or thread:get("first_error")
    end
    io.write(string.format("api errors: %d\n", total))
    if sample then io.write("first error: " .. sample .. "\n") end
  end
end

return M
