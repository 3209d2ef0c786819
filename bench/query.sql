-- Deterministic query-heavy SQLite workload for bench/jit_bench.sh.
-- Generates rows with recursive CTEs and an integer LCG (no random()),
-- then joins, aggregates, indexes and sorts.  Output is compared across
-- runners, so every SELECT has a total ORDER BY.
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;

CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, region INTEGER);
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer INTEGER, amount INTEGER,
                     day INTEGER, note TEXT);

WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 5000)
INSERT INTO customers
SELECT i, 'cust' || ((i * 7919) % 5003), (i * 31) % 17 FROM c;

-- 40k orders; x is a 31-bit LCG carried through the recursion.
WITH RECURSIVE g(i, x) AS (
  SELECT 1, 12345
  UNION ALL
  SELECT i + 1, (x * 1103515245 + 12345) % 2147483648 FROM g WHERE i < 40000)
INSERT INTO orders
SELECT i, 1 + (x / 65536) % 5000, (x / 7) % 10000, (x / 3) % 365,
       substr('alphabetagammadeltascionarmthumbvfp', 1 + x % 20, 8)
FROM g;

-- Aggregation over a join, no index yet (hash/temp b-tree grouping).
SELECT c.region, count(*), sum(o.amount), min(o.amount), max(o.amount)
FROM orders o JOIN customers c ON c.id = o.customer
GROUP BY c.region ORDER BY c.region;

CREATE INDEX orders_customer ON orders(customer);
CREATE INDEX orders_day_amount ON orders(day, amount);

-- Top customers by revenue (index-assisted join, sort).
SELECT c.name, count(*) AS n, sum(o.amount) AS total
FROM customers c JOIN orders o ON o.customer = c.id
GROUP BY c.id ORDER BY total DESC, c.id LIMIT 10;

-- Range scans on the composite index.
SELECT day, count(*), avg(amount) FROM orders
WHERE day BETWEEN 100 AND 110 AND amount > 5000
GROUP BY day ORDER BY day;

-- Correlated subquery: orders above their customer's average.
SELECT count(*) FROM orders o
WHERE o.amount > (SELECT avg(amount) FROM orders WHERE customer = o.customer)
  AND o.customer % 10 = 3;

-- String functions and grouping on text.
SELECT note, count(*), sum(length(note) * amount) % 1000003
FROM orders GROUP BY note ORDER BY note;

-- Window function: running totals per region, sampled.
SELECT region, id, running FROM (
  SELECT c.region, o.id,
         sum(o.amount) OVER (PARTITION BY c.region ORDER BY o.id) AS running
  FROM orders o JOIN customers c ON c.id = o.customer)
WHERE id % 5000 = 0 ORDER BY region, id;

-- Update and delete, then re-aggregate.
UPDATE orders SET amount = amount + 1 WHERE day % 7 = 0;
DELETE FROM orders WHERE amount < 100;
SELECT count(*), sum(amount), total(amount * 1.5) FROM orders;
