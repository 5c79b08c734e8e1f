-- filter errorCode like /AccessDenied/ | stats count(*) by userIdentity.arn, eventName | sort `count(*)` desc | limit 20
-- table model: cloudtrail-athena-pp
WITH
  s0 AS (SELECT *, row_number() OVER (ORDER BY eventid) AS o0 FROM cloudtrail_logs_pp WHERE "timestamp" BETWEEN '2026/03/18' AND '2026/03/24' AND eventtime >= '2026-03-18T00:00:00Z' AND eventtime <= '2026-03-24T23:59:59Z'),
  s1 AS (SELECT * FROM s0 WHERE (errorcode IS NOT NULL AND regexp_like(errorcode, 'AccessDenied'))),
  s6 AS (SELECT *, useridentity.arn AS k2, useridentity.arn AS g3v, eventname AS k4, eventname AS g5v FROM s1),
  s8 AS (SELECT min_by(g3v, o0) AS g3, min_by(g5v, o0) AS g5, CAST(count(*) AS DOUBLE) AS a7, min(o0) AS m9 FROM s6 GROUP BY k2, k4),
  s12 AS (SELECT g3, g5, a7 AS d11, row_number() OVER (ORDER BY m9) AS o10 FROM s8),
  s14 AS (SELECT *, row_number() OVER (ORDER BY CASE WHEN d11 IS NULL THEN 0 ELSE 1 END DESC NULLS LAST, d11 DESC NULLS LAST, o10) AS o13 FROM (SELECT * FROM s12 ORDER BY CASE WHEN d11 IS NULL THEN 0 ELSE 1 END DESC NULLS LAST, d11 DESC NULLS LAST, o10 LIMIT 20)),
  s15 AS (SELECT * FROM s14 ORDER BY o13 LIMIT 20)
SELECT g3 AS c0, g5 AS c1, d11 AS c2 FROM s15 ORDER BY o13;
