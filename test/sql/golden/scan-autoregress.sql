-- stats count(*) as n by bin(5m) | autoregress n as prev p=1-2
-- table model: kubetrail
WITH
  s0 AS (SELECT *, kt_ord AS o0 FROM kubetrail_events),
  s3 AS (SELECT *, format_datetime(from_unixtime(CAST(CASE WHEN abs((floor((CAST(kt_timestamp AS DOUBLE) - 0) / 300000) * 300000 + 0)) <= 8.64e15 THEN (floor((CAST(kt_timestamp AS DOUBLE) - 0) / 300000) * 300000 + 0) END AS DOUBLE) / 1000.0, 'UTC'), 'yyyy-MM-dd HH:mm:ss.SSS') AS k1, CASE WHEN abs((floor((CAST(kt_timestamp AS DOUBLE) - 0) / 300000) * 300000 + 0)) <= 8.64e15 THEN (floor((CAST(kt_timestamp AS DOUBLE) - 0) / 300000) * 300000 + 0) END AS g2v FROM s0),
  s5 AS (SELECT min_by(g2v, o0) AS g2, CAST(count(*) AS DOUBLE) AS a4, min(o0) AS m6 FROM s3 GROUP BY k1),
  s9 AS (SELECT g2, a4 AS d8, row_number() OVER (ORDER BY m6) AS o7 FROM s5),
  s11 AS (SELECT *, row_number() OVER (ORDER BY CASE WHEN g2 IS NULL THEN 0 ELSE 1 END ASC NULLS FIRST, g2 ASC NULLS FIRST, o7) AS o10 FROM s9),
  s14 AS (SELECT *, lag(d8, 1) OVER (ORDER BY o10) AS d12, lag(d8, 2) OVER (ORDER BY o10) AS d13 FROM s11),
  s15 AS (SELECT * FROM s14 ORDER BY o10 LIMIT 10000)
SELECT g2 AS c0, d8 AS c1, d12 AS c2, d13 AS c3 FROM s15 ORDER BY o10;
