-- filter eventSource = "s3.amazonaws.com" | stats count(*) by requestParameters.bucketName
-- table model: cloudtrail-lake
WITH
  s0 AS (SELECT *, row_number() OVER (ORDER BY eventid) AS o0 FROM $EDS_ID),
  s1 AS (SELECT * FROM s0 WHERE (eventsource = 's3.amazonaws.com')),
  s4 AS (SELECT *, element_at(requestparameters, 'bucketName') AS k2, element_at(requestparameters, 'bucketName') AS g3v FROM s1),
  s6 AS (SELECT min_by(g3v, o0) AS g3, CAST(count(*) AS DOUBLE) AS a5, min(o0) AS m7 FROM s4 GROUP BY k2),
  s10 AS (SELECT g3, a5 AS d9, row_number() OVER (ORDER BY m7) AS o8 FROM s6),
  s11 AS (SELECT * FROM s10 ORDER BY o8 LIMIT 10000)
SELECT g3 AS c0, d9 AS c1 FROM s11 ORDER BY o8;
