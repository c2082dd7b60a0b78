-- Reload the saved session and check the AI DJ insert is restored and still processes.
ARDOUR.config ():set_hide_dummy_backend (false)
AudioEngine:set_backend ("None (Dummy)", "", "")
AudioEngine:set_device_name ("Sine Wave")
local s = load_session (os.getenv ("AIDJ_ARDOUR_SESSION") or "/tmp/aidj-ardour/session", "aidj_test")
if not s then print ("FAIL: load_session"); return end
print ("PASS: session reloaded; engine buffer=" .. Session:get_block_size () .. " samples @ " .. Session:nominal_sample_rate () .. " Hz")
local r = Session:route_by_name ("DeckA")
if r:isnil () then print ("FAIL: route DeckA missing"); return end
local proc = r:nth_plugin (0)
if proc:isnil () then print ("FAIL: no plugin on DeckA after reload"); return end
local pi = proc:to_insert ()
print ("PASS: restored plugin '" .. proc:name () .. "' type=" .. ARDOUR.PluginType.name (pi:type ()) .. " active=" .. tostring (proc:active ())
	.. " params=" .. pi:plugin (0):parameter_count () .. " sidechain=" .. tostring (not pi:sidechain_input ():isnil ()))
Session:request_roll (ARDOUR.TransportRequestSource.TRS_UI)
local lvl = -200
for i = 1, 30 do
	sleep (0.1)
	local v = r:peak_meter ():meter_level (0, ARDOUR.MeterType.MeterPeak)
	if v > lvl then lvl = v end
end
local sc = pi:sidechain_input ()
print ("  monitoring=" .. tostring (r:monitoring_control ():get_value ()) .. " (MonitorInput=" .. tostring (ARDOUR.MonitorChoice.MonitorInput) .. ")"
	.. " track in connected=" .. tostring (r:input ():audio (0):connected ()) .. "/" .. tostring (r:input ():audio (1):connected ())
	.. " sidechain connected=" .. tostring (sc:audio (0):connected ()) .. "/" .. tostring (sc:audio (1):connected ()))
local ok, st = pi:get_stats (0, 0, 0, 0)
print (string.format ("  rolled to %d; track max peak %.1f dBFS; plugin avg %.1f us/cycle", Session:transport_sample (), lvl, ok and st[3] or -1))
if Session:transport_sample () > 0 and ok and proc:active () then print ("PASS: reloaded plugin processed and is active") else print ("FAIL: reloaded plugin did not process") end
Session:request_stop (false, false, ARDOUR.TransportRequestSource.TRS_UI)
sleep (0.3)
close_session ()
print ("PASS: closed")
