-- wrk script: authenticated SetKeyValueItem. With COFFER_KEY_SPACE=0 (the default) every
-- request writes a new key <prefix>:<run>:<thread>:<counter>; with COFFER_KEY_SPACE=N it cycles
-- through <prefix>:<000000..N-1> (how run.sh seeds the keys get.lua reads).
local here = string.match(debug.getinfo(1, "S").source, "^@(.*)/[^/]*$") or "."
local common = dofile(here .. "/common.lua")

local app = common.setting("COFFER_APP_ID", "1")
local prefix = common.setting("COFFER_KEY_PREFIX", "load")
local space = tonumber(common.setting("COFFER_KEY_SPACE", "0"))
local run = common.setting("COFFER_RUN", "0")
-- COFFER_VALUE_BYTES=N writes values of N bytes; by default a phone number (12 bytes).
local value_bytes = tonumber(common.setting("COFFER_VALUE_BYTES", "0"))
local value = value_bytes > 0 and string.rep("v", value_bytes) or common.encode("+15551234567")
-- Seeding: once a thread has `space` answers plus one per possibly still open request (wrk
-- connections never exceed 1000), every index has been written.
local stop_after = nil
if space > 0 and common.setting("COFFER_SEED", "0") == "1" then stop_after = space + 1000 end

common.install("SetKeyValueItem", function(thread_id, counter)
  local key
  if space > 0 then
    -- Each wrk thread cycles through every index, so `space` requests of one thread write
    -- them all.
    key = string.format("%s:%06d", prefix, (thread_id * 7919 + counter) % space)
  else
    key = string.format("%s:%s:%d:%d", prefix, run, thread_id, counter)
  end
  return "application_id=" .. app .. "&key=" .. common.encode(key) .. "&value=" .. value .. "&ttl=3600"
end, stop_after)
