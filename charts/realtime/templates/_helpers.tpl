{{/* Names ---------------------------------------------------------------- */}}

{{- define "realtime.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-scoped base name; component names append "-edge"/"-dispatcher", so it stays short. */}}
{{- define "realtime.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 50 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 50 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "realtime.edge.fullname" -}}
{{- printf "%s-edge" (include "realtime.fullname" .) }}
{{- end }}

{{- define "realtime.dispatcher.fullname" -}}
{{- printf "%s-dispatcher" (include "realtime.fullname" .) }}
{{- end }}

{{- define "realtime.edge.serviceAccountName" -}}
{{- if .Values.edge.serviceAccount.create }}
{{- default (include "realtime.edge.fullname" .) .Values.edge.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.edge.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "realtime.dispatcher.serviceAccountName" -}}
{{- if .Values.dispatcher.serviceAccount.create }}
{{- default (include "realtime.dispatcher.fullname" .) .Values.dispatcher.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.dispatcher.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "realtime.dispatcher.leaseName" -}}
{{- default (include "realtime.dispatcher.fullname" .) .Values.dispatcher.leaseName }}
{{- end }}

{{/* Labels ---------------------------------------------------------------- */}}

{{- define "realtime.selectorLabels" -}}
app.kubernetes.io/name: {{ include "realtime.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "realtime.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "realtime.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: realtime
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Component labels: call with (dict "ctx" $ "component" "edge"). */}}
{{- define "realtime.componentSelectorLabels" -}}
{{ include "realtime.selectorLabels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "realtime.componentLabels" -}}
{{ include "realtime.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* "k=v,k=v" label selector of the edge pods, for the dispatcher's pod watch. */}}
{{- define "realtime.edge.selectorString" -}}
{{- $labels := include "realtime.componentSelectorLabels" (dict "ctx" . "component" "edge") | fromYaml }}
{{- $pairs := list }}
{{- range $k := keys $labels | sortAlpha }}
{{- $pairs = append $pairs (printf "%s=%s" $k (get $labels $k)) }}
{{- end }}
{{- join "," $pairs }}
{{- end }}

{{/* Images: call with (dict "ctx" $ "image" .Values.edge.image). */}}
{{- define "realtime.image" -}}
{{- $registry := .ctx.Values.global.imageRegistry }}
{{- $repo := .image.repository }}
{{- if $registry }}{{ $repo = printf "%s/%s" (trimSuffix "/" $registry) $repo }}{{ end }}
{{- if .image.digest }}
{{- printf "%s@%s" $repo .image.digest }}
{{- else }}
{{- printf "%s:%s" $repo (default .ctx.Chart.AppVersion .image.tag | toString) }}
{{- end }}
{{- end }}

{{/* Secrets --------------------------------------------------------------- */}}

{{- define "realtime.secretName" -}}
{{- include "realtime.fullname" . }}
{{- end }}

{{/* "true" when the chart's Secret carries the HS256 JWT secret. */}}
{{- define "realtime.auth.chartMadeHmac" -}}
{{- if and (not .Values.auth.existingSecret) (or .Values.auth.hmacSecret (not .Values.auth.publicKeyPem)) }}true{{ end }}
{{- end }}

{{/* "true" when the pods get an HS256 secret at all. */}}
{{- define "realtime.auth.hasHmac" -}}
{{- if or .Values.auth.existingSecret (include "realtime.auth.chartMadeHmac" .) }}true{{ end }}
{{- end }}

{{- define "realtime.auth.secretName" -}}
{{- default (include "realtime.secretName" .) .Values.auth.existingSecret }}
{{- end }}

{{- define "realtime.auth.secretKey" -}}
{{- if .Values.auth.existingSecret }}{{ .Values.auth.existingSecretKey }}{{ else }}jwt-secret{{ end }}
{{- end }}

{{- define "realtime.redis.secretName" -}}
{{- default (include "realtime.secretName" .) .Values.redis.existingSecret }}
{{- end }}

{{- define "realtime.redis.secretKey" -}}
{{- if .Values.redis.existingSecret }}{{ .Values.redis.existingSecretKey }}{{ else }}redis-url{{ end }}
{{- end }}

{{- define "realtime.apiKeys.secretName" -}}
{{- default (include "realtime.secretName" .) .Values.dispatcher.existingSecret }}
{{- end }}

{{- define "realtime.apiKeys.secretKey" -}}
{{- if .Values.dispatcher.existingSecret }}{{ .Values.dispatcher.existingSecretKey }}{{ else }}api-keys{{ end }}
{{- end }}

{{/*
Per-component checksums of the secret values each component reads, so a change rolls only the
pods that use it (a new JWT secret rolls the edges, a new API key the dispatchers). Generated
values are stable (lookup), so they are not part of it.
*/}}
{{- define "realtime.edge.secretChecksum" -}}
{{- list .Values.redis .Values.devRedis.enabled .Values.auth | toJson | sha256sum }}
{{- end }}

{{- define "realtime.dispatcher.secretChecksum" -}}
{{- list .Values.redis .Values.devRedis.enabled .Values.dispatcher.apiKeys .Values.dispatcher.existingSecret .Values.dispatcher.existingSecretKey .Values.dispatcher.insecure | toJson | sha256sum }}
{{- end }}

{{/* Pod pieces ------------------------------------------------------------ */}}

{{/* Environment both services read: identity and Redis (the one secret both need), nothing of either component alone. */}}
{{- define "realtime.commonEnv" -}}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: SERVER_ID
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: POD_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
- name: ENABLE_WEBSOCKET_CLUSTERING
  value: "true"
- name: {{ eq .Values.redis.mode "Sharded" | ternary "REDIS_SHARDS" "REDIS_URL" }}
  valueFrom:
    secretKeyRef:
      name: {{ include "realtime.redis.secretName" . }}
      key: {{ include "realtime.redis.secretKey" . }}
- name: Realtime__Redis__Prefix
  value: {{ include "realtime.redis.prefix" . | quote }}
{{- end }}

{{/* Client JWT validation: the edge's alone (the dispatcher never sees the signing secret). */}}
{{- define "realtime.edge.authEnv" -}}
{{- if include "realtime.auth.hasHmac" . }}
- name: Realtime__Auth__HmacSecret
  valueFrom:
    secretKeyRef:
      name: {{ include "realtime.auth.secretName" . }}
      key: {{ include "realtime.auth.secretKey" . }}
{{- end }}
{{- with .Values.auth.publicKeyPem }}
- name: Realtime__Auth__PublicKeyPem
  value: {{ . | quote }}
{{- end }}
{{- with .Values.auth.issuer }}
- name: Realtime__Auth__Issuer
  value: {{ . | quote }}
{{- end }}
{{- with .Values.auth.audience }}
- name: Realtime__Auth__Audience
  value: {{ . | quote }}
{{- end }}
{{- end }}

{{/* preStop handler: call with (dict "ctx" $ "preStop" .Values.edge.preStop). */}}
{{- define "realtime.preStop" -}}
{{- $handler := .preStop.handler }}
{{- if eq $handler "auto" }}
{{- $handler = ternary "sleep" "exec" (semverCompare ">=1.30.0-0" .ctx.Capabilities.KubeVersion.Version) }}
{{- end -}}
preStop:
{{- if eq $handler "sleep" }}
  sleep:
    seconds: {{ .preStop.sleepSeconds }}
{{- else }}
  exec:
    command: ["sleep", {{ .preStop.sleepSeconds | toString | quote }}]
{{- end }}
{{- end }}

{{/* call with (dict "ctx" $ "component" "edge" "spread" .Values.edge.topologySpread). */}}
{{- define "realtime.topologySpread" -}}
{{- if .spread.enabled -}}
topologySpreadConstraints:
  - maxSkew: {{ .spread.maxSkew }}
    topologyKey: {{ .spread.topologyKey }}
    whenUnsatisfiable: {{ .spread.whenUnsatisfiable }}
    labelSelector:
      matchLabels:
        {{- include "realtime.componentSelectorLabels" (dict "ctx" .ctx "component" .component) | nindent 8 }}
    matchLabelKeys:
      - pod-template-hash
{{- end }}
{{- end }}

{{/* call with a pdb values block. */}}
{{- define "realtime.pdbBudget" -}}
{{- if not (kindIs "invalid" .minAvailable) -}}
minAvailable: {{ .minAvailable }}
{{- else -}}
maxUnavailable: {{ .maxUnavailable }}
{{- end }}
{{- end }}

{{/* Redis key prefix: redis.prefix, else the release's full name (one prefix per release). */}}
{{- define "realtime.redis.prefix" -}}
{{- .Values.redis.prefix | default (include "realtime.fullname" . | trunc 32 | trimSuffix "-") }}
{{- end }}
