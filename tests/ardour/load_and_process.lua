-- Headless Ardour 7 (ardour7-lua / luasession) smoke test for the "AI DJ" VST3 plugin.
-- Usage: ardour7-lua tests/ardour/load_and_process.lua (see README.md here)
local SESSION_DIR  = os.getenv ("AIDJ_ARDOUR_SESSION") or "/tmp/aidj-ardour/session"
local SESSION_NAME = "aidj_test"
local RATE         = 48000
local fails        = 0

local function pass (m) print ("PASS: " .. m) end
local function fail (m) print ("FAIL: " .. m); fails = fails + 1 end

-- 1. Engine: Dummy backend (hidden by default in release builds -> un-hide it)
ARDOUR.config ():set_hide_dummy_backend (false)
AudioEngine:set_backend ("None (Dummy)", "", "")
print ("backend: " .. AudioEngine:current_backend_name ())
-- feed a test signal into the (dummy) system capture ports, so the plugin sees non-silent input
local rv = AudioEngine:set_device_name ("Sine Wave")
print ("set_device_name('Sine Wave') -> " .. tostring (rv))

-- 2. Create the session (this starts the engine; ARDOUR::init_post_engine() then
--    runs PluginManager::refresh(cache_only=true), reading ~/.cache/ardour7/vst/*.v3i)
local s = create_session (SESSION_DIR, SESSION_NAME, RATE)
if not s then
	fail ("create_session (" .. SESSION_DIR .. ")")
	return
end
pass ("session created: " .. Session:path () .. " (" .. Session:name () .. "), engine running=" .. tostring (AudioEngine:running ())
      .. ", rate=" .. Session:nominal_sample_rate ())

-- 3. Plugin discovery: list every plugin whose name contains "AI DJ"
local found = 0
for p in ARDOUR.LuaAPI.list_plugins ():iter () do
	if string.find (p.name, "AI DJ", 1, true) then
		found = found + 1
		print (string.format ("  found: type=%s name='%s' creator='%s' category='%s' unique_id=%s path=%s",
			ARDOUR.PluginType.name (p.type), p.name, p.creator, p.category, p.unique_id, p.path))
	end
end
if found > 0 then pass ("plugin discovery: " .. found .. " plugin(s) named 'AI DJ'") else fail ("plugin discovery: no 'AI DJ' plugin") end

-- 4. Stereo audio track
local tl = Session:new_audio_track (2, 2, nil, 1, "DeckA", ARDOUR.PresentationInfo.max_order, ARDOUR.TrackMode.Normal, true)
if tl:size () ~= 1 then fail ("new_audio_track"); return end
local track = tl:front ()
pass ("stereo audio track '" .. track:name () .. "' inputs=" .. track:n_inputs ():n_audio () .. " outputs=" .. track:n_outputs ():n_audio ())

-- 5. Instantiate the VST3 and insert it at the top of the track's processor chain
local proc = ARDOUR.LuaAPI.new_plugin (Session, "AI DJ", ARDOUR.PluginType.VST3, "")
if proc:isnil () then fail ("LuaAPI.new_plugin ('AI DJ', VST3)"); return end
pass ("plugin instance created: '" .. proc:name () .. "'")

local err = track:add_processor_by_index (proc, 0, nil, true)
if err ~= 0 then fail ("add_processor_by_index returned " .. tostring (err)); return end
pass ("plugin added to track (add_processor_by_index -> 0)")

local pi   = proc:to_insert ()
local plug = pi:plugin (0)
print ("  plugin name='" .. plug:name () .. "' maker='" .. plug:maker () .. "' unique_id=" .. plug:unique_id ()
	.. " type=" .. ARDOUR.PluginType.name (pi:type ()))
local function try (f) local ok, v = pcall (f); if ok then return tostring (v) else return "n/a" end end
print ("  insert: count=" .. try (function () return pi:get_count () end)
	.. " in=" .. try (function () return pi:input_streams ():n_audio () end) .. "a/" .. try (function () return pi:input_streams ():n_midi () end) .. "m"
	.. " out=" .. try (function () return pi:output_streams ():n_audio () end) .. "a"
	.. " natural_in=" .. try (function () return pi:natural_input_streams ():n_audio () end) .. "a/" .. try (function () return pi:natural_input_streams ():n_midi () end) .. "m"
	.. " natural_out=" .. try (function () return pi:natural_output_streams ():n_audio () end) .. "a"
	.. " sidechain_input=" .. try (function () return not pi:sidechain_input ():isnil () end))

-- 6. Parameters
local n = plug:parameter_count ()
local n_ctl_in = 0
print ("  parameter_count() = " .. n)
for i = 0, n - 1 do
	local label = plug:parameter_label (i)
	local is_in = plug:parameter_is_input (i)
	local is_ctl = plug:parameter_is_control (i)
	if is_ctl and is_in then n_ctl_in = n_ctl_in + 1 end
	local pd = ARDOUR.ParameterDescriptor ()
	local _, t = plug:get_parameter_descriptor (i, pd)
	local d = t[2]
	print (string.format ("   [%2d] %-28s input=%-5s ctl=%-5s range=[%g .. %g] default=%g",
		i, label, tostring (is_in), tostring (is_ctl), d.lower, d.upper, d.normal))
end
if n > 0 then pass ("parameters: " .. n .. " total, " .. n_ctl_in .. " control inputs") else fail ("parameters: 0") end

-- 7. Roll the transport for a few seconds, with the track monitoring its (dummy "Sine Wave") input,
--    so the plugin processes a non-silent signal
track:monitoring_control ():set_value (ARDOUR.MonitorChoice.MonitorInput, PBD.GroupControlDisposition.NoGroup)
print ("  track input connected to: " .. (function ()
	local t = {}
	for i = 0, track:input ():n_ports ():n_audio () - 1 do
		local port = track:input ():audio (i)
		t[#t + 1] = port:name () .. " connected=" .. tostring (port:connected ())
	end
	return table.concat (t, ", ")
end) ())

local function roll (seconds, what)
	Session:goto_start (false)
	sleep (0.2)
	Session:request_roll (ARDOUR.TransportRequestSource.TRS_UI)
	local peak = { -200, -200 }
	local mpeak = { -200, -200 }
	for i = 1, seconds * 10 do
		sleep (0.1)
		for c = 0, 1 do
			local v = track:peak_meter ():meter_level (c, ARDOUR.MeterType.MeterPeak)
			if v > peak[c + 1] then peak[c + 1] = v end
			local m = Session:master_out ():peak_meter ():meter_level (c, ARDOUR.MeterType.MeterPeak)
			if m > mpeak[c + 1] then mpeak[c + 1] = m end
		end
	end
	local rolling, pos = Session:transport_rolling (), Session:transport_sample ()
	print (string.format ("  [%s] transport_rolling=%s transport_sample=%d (%.2f s)", what, tostring (rolling), pos, pos / RATE))
	print (string.format ("  [%s] track peak L/R: %.1f / %.1f dBFS, master peak L/R: %.1f / %.1f dBFS",
		what, peak[1], peak[2], mpeak[1], mpeak[2]))
	if rolling and pos > 0 then pass (what .. ": transport rolled to sample " .. pos) else fail (what .. ": transport did not roll") end
	if peak[1] > -100 and peak[2] > -100 then pass (what .. ": non-silent audio came out of the plugin") else fail (what .. ": track output silent") end
	local ok, st = pi:get_stats (0, 0, 0, 0)
	if ok then
		print (string.format ("  [%s] plugin DSP stats [us]: min=%d max=%d avg=%.1f dev=%.1f", what, st[1], st[2], st[3], st[4]))
		pass (what .. ": plugin process() was called (DSP stats available)")
	else
		fail (what .. ": no DSP stats for plugin insert (not processed?)")
	end
	Session:request_stop (false, false, ARDOUR.TransportRequestSource.TRS_UI)
	sleep (0.3)
	if proc:active () then pass (what .. ": processor still active") else fail (what .. ": processor NOT active") end
	print ("  [" .. what .. "] engine running=" .. tostring (AudioEngine:running ()) .. " dsp_load=" .. string.format ("%.1f%%", AudioEngine:get_dsp_load ()))
end

roll (3, "main input only")

-- 8. Sidechain ("Deck B"): add a 2-channel sidechain to the insert and feed it from the dummy capture ports 3/4
local ok_sc, err_sc = pcall (function ()
	if not track:add_sidechain (proc) then error ("Route:add_sidechain() returned false") end
	local sc = pi:sidechain_input ()
	if sc:isnil () then error ("sidechain_input() is nil after add_sidechain()") end
	local _, ports = AudioEngine:get_backend_ports ("", ARDOUR.DataType ("audio"), ARDOUR.PortFlags.IsOutput | ARDOUR.PortFlags.IsPhysical, C.StringVector ())
	local phys = {}
	for n in ports[4]:iter () do phys[#phys + 1] = n end
	print ("  physical capture ports: " .. table.concat (phys, ", "))
	for c = 0, 1 do
		local src = phys[3 + c] or phys[1 + c]
		sc:audio (c):connect (src)
	end
	print ("  sidechain IO '" .. sc:name () .. "' ports=" .. sc:n_ports ():n_audio () .. ", port0 connected=" .. tostring (sc:audio (0):connected ()) .. ", port1 connected=" .. tostring (sc:audio (1):connected ()))
end)
if ok_sc then
	sleep (0.5)
	print ("  insert after add_sidechain: in=" .. pi:input_streams ():n_audio () .. "a out=" .. pi:output_streams ():n_audio () .. "a")
	pass ("sidechain added and connected")
	roll (3, "with sidechain")
else
	fail ("sidechain setup: " .. tostring (err_sc))
end

-- 9. Save & close
local srv = Session:save_state ("", false, false, false, false, false)
if srv == 0 then pass ("session saved") else fail ("save_state returned " .. tostring (srv)) end
close_session ()
pass ("session closed")

print (fails == 0 and "RESULT: ALL PASS" or ("RESULT: " .. fails .. " FAILURE(S)"))
