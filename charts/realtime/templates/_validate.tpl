{{/*
Cross-field checks the JSON schema cannot express clearly. Included from the
edge Deployment, so every render runs them. Each message names the values to change.
*/}}
{{- define "realtime.validate" -}}
{{- $v := .Values }}

{{- if and $v.devRedis.enabled (or $v.redis.url $v.redis.existingSecret) }}
{{- fail "redis: devRedis.enabled makes its own Redis; leave redis.url and redis.existingSecret empty" }}
{{- end }}
{{- if and $v.redis.url $v.redis.existingSecret }}
{{- fail "redis: set either redis.url or redis.existingSecret, not both" }}
{{- end }}
{{- if not (or $v.redis.url $v.redis.existingSecret $v.devRedis.enabled) }}
{{- fail "redis: set redis.url (e.g. --set redis.url=redis://redis:6379) or redis.existingSecret (a Secret with key redis.existingSecretKey)" }}
{{- end }}
{{- if not (has $v.redis.mode (list "Standalone" "Sentinel" "Cluster" "Sharded")) }}
{{- fail (printf "redis.mode must be Standalone, Sentinel, Cluster or Sharded, got %q" $v.redis.mode) }}
{{- end }}
{{- if and $v.redis.url (not (regexMatch "^rediss?(\\+sentinel)?://" $v.redis.url)) }}
{{- fail (printf "redis.url must start with redis://, rediss:// or redis+sentinel:// (Sharded: a list of such URLs), got %q" $v.redis.url) }}
{{- end }}

{{- if and $v.auth.hmacSecret $v.auth.existingSecret }}
{{- fail "auth: set either auth.hmacSecret or auth.existingSecret, not both" }}
{{- end }}
{{- if and $v.auth.hmacSecret (lt (len $v.auth.hmacSecret) 32) }}
{{- fail "auth.hmacSecret must be at least 32 characters (HS256 needs a 256-bit key)" }}
{{- end }}
{{- if and $v.dispatcher.apiKeys $v.dispatcher.existingSecret }}
{{- fail "dispatcher: set either dispatcher.apiKeys or dispatcher.existingSecret, not both" }}
{{- end }}
{{- if and $v.dispatcher.insecure (or $v.dispatcher.apiKeys $v.dispatcher.existingSecret) }}
{{- fail "dispatcher.insecure=true runs the publish API without API keys; leave dispatcher.apiKeys and dispatcher.existingSecret empty, or set dispatcher.insecure=false to require the keys" }}
{{- end }}

{{- $as := $v.edge.autoscaling }}
{{- if and $as.connections.enabled $as.keda.enabled }}
{{- fail "edge.autoscaling: connections.enabled (prometheus-adapter HPA) and keda.enabled (KEDA ScaledObject) are mutually exclusive; enable one" }}
{{- end }}
{{- if and $as.enabled (not $as.connections.enabled) (not $as.keda.enabled) (not $as.targetCPUUtilizationPercentage) }}
{{- fail "edge.autoscaling: no metric left; set targetCPUUtilizationPercentage or enable connections or keda" }}
{{- end }}
{{- if and $as.enabled (gt (int $as.minReplicas) (int $as.maxReplicas)) }}
{{- fail (printf "edge.autoscaling.minReplicas (%d) must not exceed maxReplicas (%d)" (int $as.minReplicas) (int $as.maxReplicas)) }}
{{- end }}

{{- range $name := list "edge" "dispatcher" }}
{{- $c := get $v $name }}
{{- $budget := add (int $c.preStop.sleepSeconds) 10 }}
{{- $what := printf "%s.preStop.sleepSeconds (%d) + 10" $name (int $c.preStop.sleepSeconds) }}
{{- if eq $name "edge" }}
{{- $budget = add $budget (int $c.drainSeconds) }}
{{- $what = printf "edge.preStop.sleepSeconds (%d) + edge.drainSeconds (%d) + 10" (int $c.preStop.sleepSeconds) (int $c.drainSeconds) }}
{{- end }}
{{- if le (int $c.terminationGracePeriodSeconds) $budget }}
{{- fail (printf "%s.terminationGracePeriodSeconds (%d) must be greater than %s = %d, or the kubelet kills the pod before it has drained" $name (int $c.terminationGracePeriodSeconds) $what $budget) }}
{{- end }}
{{- if and (not (kindIs "invalid" $c.pdb.minAvailable)) (not (kindIs "invalid" $c.pdb.maxUnavailable)) }}
{{- fail (printf "%s.pdb: set minAvailable or maxUnavailable, not both (set the other to null)" $name) }}
{{- end }}
{{- end }}

{{- if and $v.httpRoute.enabled (not $v.httpRoute.parentRefs) }}
{{- fail "httpRoute.enabled needs httpRoute.parentRefs (the Gateway to attach to)" }}
{{- end }}
{{- end }}
