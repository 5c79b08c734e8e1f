-- filter (eventName="StartInstances" or eventName="StopInstances") and awsRegion="us-east-2" | fields eventName
-- table model: cloudtrail-athena
WITH
  s0 AS (SELECT *, row_number() OVER (ORDER BY eventid) AS o0 FROM cloudtrail_logs),
  s1 AS (SELECT * FROM s0 WHERE (((eventname = 'StartInstances') OR (eventname = 'StopInstances')) AND (awsregion = 'us-east-2'))),
  s3 AS (SELECT *, row_number() OVER (ORDER BY CASE WHEN CAST(to_unixtime(from_iso8601_timestamp(eventtime)) * 1000 AS BIGINT) IS NULL THEN 0 ELSE 1 END DESC NULLS LAST, CAST(to_unixtime(from_iso8601_timestamp(eventtime)) * 1000 AS BIGINT) DESC NULLS LAST, o0) AS o2 FROM (SELECT * FROM s1 ORDER BY CASE WHEN CAST(to_unixtime(from_iso8601_timestamp(eventtime)) * 1000 AS BIGINT) IS NULL THEN 0 ELSE 1 END DESC NULLS LAST, CAST(to_unixtime(from_iso8601_timestamp(eventtime)) * 1000 AS BIGINT) DESC NULLS LAST, o0 LIMIT 10000)),
  s4 AS (SELECT * FROM s3 ORDER BY o2 LIMIT 10000)
SELECT eventname AS c0 FROM s4 ORDER BY o2;
