-- wrk script of tools/bench-pronunciation-api.sh: POSTs one JSON body, read
-- from a file prepared beforehand, to the URL wrk is given.
--
--   wrk -t2 -c32 -d5s -s tools/bench/pronunciation.lua http://127.0.0.1:8080/api/pronunciations/ -- BODY.json

function init(args)
  local file = assert(io.open(assert(args[1], "usage: -- BODY.json"), "rb"))
  wrk.method = "POST"
  wrk.body = file:read("*a")
  wrk.headers["Content-Type"] = "application/json"
  file:close()
end
