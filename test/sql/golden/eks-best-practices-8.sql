-- fields @timestamp, @message | sort @timestamp desc | limit 100 | filter verb="get" and objectRef.resource="secrets" | display objectRef.namespace, objectRef.name, user.username, responseStatus.code
-- table model: kubetrail
WITH
  s0 AS (SELECT *, kt_ord AS o0 FROM kubetrail_events),
  s1 AS (SELECT * FROM s0 WHERE ((CASE WHEN json_format(json_extract(fields, '$["verb"]')) LIKE '"%' THEN json_extract_scalar(json_extract(fields, '$["verb"]'), '$') END = 'get') AND (CASE WHEN json_format(json_extract(fields, '$["objectRef.resource"]')) LIKE '"%' THEN json_extract_scalar(json_extract(fields, '$["objectRef.resource"]'), '$') END = 'secrets'))),
  s3 AS (SELECT *, row_number() OVER (ORDER BY CASE WHEN kt_timestamp IS NULL THEN 0 ELSE 1 END DESC NULLS LAST, kt_timestamp DESC NULLS LAST, o0) AS o2 FROM (SELECT * FROM s1 ORDER BY CASE WHEN kt_timestamp IS NULL THEN 0 ELSE 1 END DESC NULLS LAST, kt_timestamp DESC NULLS LAST, o0 LIMIT 100)),
  s4 AS (SELECT * FROM s3 ORDER BY o2 LIMIT 100)
SELECT json_format(json_extract(fields, '$["objectRef.namespace"]')) AS c0, json_format(json_extract(fields, '$["objectRef.name"]')) AS c1, json_format(json_extract(fields, '$["user.username"]')) AS c2, json_format(json_extract(fields, '$["responseStatus.code"]')) AS c3, kt_ptr AS cptr FROM s4 ORDER BY o2;
