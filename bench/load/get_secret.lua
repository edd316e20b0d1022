-- wrk script: authenticated GetSecretValue by name among s000000..s<space-1>, which run.sh
-- seeds first with AddSecret: a decryption per request on top of a Get's reads. See common.lua
-- for the environment it reads; COFFER_SECRET_SPACE (default 100) is the number of secrets.
local here = string.match(debug.getinfo(1, "S").source, "^@(.*)/[^/]*$") or "."
local common = dofile(here .. "/common.lua")

local app = common.setting("COFFER_APP_ID", "1")
local space = tonumber(common.setting("COFFER_SECRET_SPACE", "100"))

common.install("GetSecretValue", function(thread_id, counter)
  local index = (math.random(space) - 1 + thread_id * 7919) % space
  return "application_id=" .. app .. "&secret_name=" .. string.format("s%06d", index)
end)
