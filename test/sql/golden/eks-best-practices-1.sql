-- fields @timestamp, @message | filter @logStream like "kube-apiserver-audit" | filter verb in ["update", "patch"] | filter objectRef.resource = "configmaps" and objectRef.name = "aws-auth" and objectRef.namespace = "kube-system" | sort @timestamp desc
-- table model: kubetrail
WITH
  s0 AS (SELECT *, kt_ord AS o0 FROM kubetrail_events),
  s1 AS (SELECT * FROM s0 WHERE (kt_log_stream IS NOT NULL AND (strpos(kt_log_stream, 'kube-apiserver-audit') > 0))),
  s2 AS (SELECT * FROM s1 WHERE ((json_extract(fields, '$["verb"]') IS NOT NULL AND json_format(json_extract(fields, '$["verb"]')) <> 'null') AND ((CASE WHEN json_format(json_extract(fields, '$["verb"]')) LIKE '"%' THEN json_extract_scalar(json_extract(fields, '$["verb"]'), '$') END = 'update') OR (CASE WHEN json_format(json_extract(fields, '$["verb"]')) LIKE '"%' THEN json_extract_scalar(json_extract(fields, '$["verb"]'), '$') END = 'patch')))),
  s3 AS (SELECT * FROM s2 WHERE (((CASE WHEN json_format(json_extract(fields, '$["objectRef.resource"]')) LIKE '"%' THEN json_extract_scalar(json_extract(fields, '$["objectRef.resource"]'), '$') END = 'configmaps') AND (CASE WHEN json_format(json_extract(fields, '$["objectRef.name"]')) LIKE '"%' THEN json_extract_scalar(json_extract(fields, '$["objectRef.name"]'), '$') END = 'aws-auth')) AND (CASE WHEN json_format(json_extract(fields, '$["objectRef.namespace"]')) LIKE '"%' THEN json_extract_scalar(json_extract(fields, '$["objectRef.namespace"]'), '$') END = 'kube-system'))),
  s5 AS (SELECT *, row_number() OVER (ORDER BY CASE WHEN kt_timestamp IS NULL THEN 0 ELSE 1 END DESC NULLS LAST, kt_timestamp DESC NULLS LAST, o0) AS o4 FROM (SELECT * FROM s3 ORDER BY CASE WHEN kt_timestamp IS NULL THEN 0 ELSE 1 END DESC NULLS LAST, kt_timestamp DESC NULLS LAST, o0 LIMIT 10000)),
  s6 AS (SELECT * FROM s5 ORDER BY o4 LIMIT 10000)
SELECT kt_timestamp AS c0, kt_message AS c1, kt_ptr AS cptr FROM s6 ORDER BY o4;
