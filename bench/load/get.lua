-- wrk script: authenticated GetKeyValueItem of random keys among <prefix>:<000000..space-1>,
-- which run.sh seeds first with set.lua. See common.lua for the environment it reads.
local here = string.match(debug.getinfo(1, "S").source, "^@(.*)/[^/]*$") or "."
local common = dofile(here .. "/common.lua")

local app = common.setting("COFFER_APP_ID", "1")
local prefix = common.setting("COFFER_KEY_PREFIX", "seed")
local space = tonumber(common.setting("COFFER_KEY_SPACE", "1000"))

common.install("GetKeyValueItem", function(thread_id, counter)
  -- Random, not in order: a read lands anywhere in the index, as a real client's would. Each
  -- wrk thread has its own generator; the offset keeps their sequences apart.
  local index = (math.random(space) - 1 + thread_id * 7919) % space
  return "application_id=" .. app .. "&key=" .. common.encode(string.format("%s:%06d", prefix, index))
end)
