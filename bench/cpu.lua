-- Deterministic CPU-bound Lua workload for bench/jit_bench.sh.
-- A mix of numeric loops, table ops, string ops, closures and sorting;
-- prints checksums so the three runners' outputs can be compared.
-- Usage: lua5.4 cpu.lua [SCALE]   (SCALE multiplies the work; default 1)
local scale = tonumber(arg and arg[1]) or 1

-- Fixed LCG so every runner sees the same numbers (no math.random:
-- its seed and algorithm are not part of the comparison).
local seed = 12345
local function rand(n)
  seed = (seed * 1103515245 + 12345) % 2147483648
  return (seed // 65536) % n   -- high bits: the low ones have short periods
end

-- 1. Numeric loops: integer and float arithmetic.
local function numeric(n)
  local acc, f = 0, 0.0
  for i = 1, n do
    acc = (acc + i * i) % 1000000007
    f = f + math.sqrt(i) / (i + 1)
  end
  return acc, string.format("%.6f", f)
end

-- 2. Sieve of Eratosthenes: table indexing.
local function sieve(n)
  local comp, count = {}, 0
  for i = 2, n do
    if not comp[i] then
      count = count + 1
      for j = i * i, n, i do comp[j] = true end
    end
  end
  return count
end

-- 3. Tables as records and hashes, then sort with a comparator closure.
local function tables(n)
  local recs, byname = {}, {}
  for i = 1, n do
    local r = { id = i, key = rand(100000), name = "k" .. rand(5000) }
    recs[#recs + 1] = r
    byname[r.name] = (byname[r.name] or 0) + r.key
  end
  table.sort(recs, function(a, b)
    if a.key ~= b.key then return a.key < b.key end
    return a.id < b.id
  end)
  local sum = 0
  for i = 1, #recs, 7 do sum = (sum + recs[i].key * i) % 1000000007 end
  local distinct = 0
  for _ in pairs(byname) do distinct = distinct + 1 end
  return sum, distinct
end

-- 4. Strings: building, gsub, find, byte-level hashing.
local function strings(n)
  local words = { "alpha", "beta", "gamma", "delta", "scion", "arm", "thumb", "vfp" }
  local parts = {}
  for i = 1, n do parts[i] = words[rand(#words) + 1] .. i end
  local s = table.concat(parts, " ")
  local replaced, count = s:gsub("(%a+)(%d)", "%2%1")
  local h = 0
  for i = 1, #replaced, 3 do h = (h * 31 + replaced:byte(i)) % 4294967296 end
  local found = 0
  for _ in s:gmatch("scion%d+") do found = found + 1 end
  return #s, count, h, found, string.upper(s:sub(1, 20))
end

-- 5. Closures and higher-order functions.
local function closures(n)
  local function counter(step)
    local c = 0
    return function() c = c + step; return c end
  end
  local fs = {}
  for i = 1, 16 do fs[i] = counter(i) end
  local function compose(f, g) return function(x) return f(g(x)) end end
  local inc = function(x) return x + 1 end
  local dbl = function(x) return (x * 2) % 1000003 end
  local h = compose(inc, compose(dbl, inc))
  local total = 0
  for i = 1, n do
    total = (total + fs[i % 16 + 1]() + h(i)) % 1000000007
  end
  return total
end

-- 6. Recursion: naive Fibonacci (call overhead).
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end

for round = 1, scale do
  print("round", round)
  print("numeric", numeric(300000))
  print("sieve", sieve(200000))
  print("tables", tables(30000))
  print("strings", strings(30000))
  print("closures", closures(300000))
  print("fib", fib(24))
end
