-- wrk script: every request GETs a random path from the file named by the script's argument
-- (one path a line), and answers are tallied as 4xx and 5xx, which wrk's own count lumps together.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("seed", #threads)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  math.randomseed(os.time() * 100 + seed)
  client_errors, server_errors = 0, 0
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

function response(status)
  if status >= 500 then
    server_errors = server_errors + 1
  elseif status >= 400 then
    client_errors = client_errors + 1
  end
end

function done()
  local client, server = 0, 0
  for _, thread in ipairs(threads) do
    client = client + thread:get("client_errors")
    server = server + thread:get("server_errors")
  end
  io.write(string.format("answers: 4xx=%d 5xx=%d\n", client, server))
end
