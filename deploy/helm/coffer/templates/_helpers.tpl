{{/* Labels of every object; `component` names the part (a service, web, kong, a job). */}}
{{- define "coffer.labels" -}}
app.kubernetes.io/name: coffer
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/component: {{ .component }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end }}

{{- define "coffer.selectorLabels" -}}
app.kubernetes.io/name: coffer
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "coffer.image" -}}
{{ printf "%s/%s:%s" .root.Values.image.registry .name .root.Values.image.tag }}
{{- end }}

{{- define "coffer.eventKeysSecret" -}}
{{ .Values.eventEncryption.existingSecret | default "coffer-event-keys" }}
{{- end }}

{{- define "coffer.jwtKeysSecret" -}}
{{ .Values.jwtKeys.existingSecret | default "coffer-jwt-keys" }}
{{- end }}

{{- define "coffer.serviceSecret" -}}
{{ .svc.existingSecret | default (printf "%s-secret" .name) }}
{{- end }}

{{/* Instances of one Deployment apart: over zones, then nodes. */}}
{{- define "coffer.topologySpread" -}}
topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: topology.kubernetes.io/zone
    whenUnsatisfiable: {{ .root.Values.topologySpread.zone }}
    labelSelector:
      matchLabels:
        {{- include "coffer.selectorLabels" . | nindent 8 }}
  - maxSkew: 1
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: {{ .root.Values.topologySpread.node }}
    labelSelector:
      matchLabels:
        {{- include "coffer.selectorLabels" . | nindent 8 }}
{{- end }}

{{/* The settings every service reads (contracts' serviceEnv and kafkaEnv). */}}
{{- define "coffer.commonEnv" -}}
HOST: "0.0.0.0"
LOG_LEVEL: {{ .Values.logLevel | quote }}
TRUSTED_PROXIES: {{ .Values.trustedProxies | quote }}
PUBLIC_BASE_URL: {{ .Values.publicBaseUrl | quote }}
KAFKA_BROKERS: {{ .Values.kafka.brokers | quote }}
KAFKA_TOPICS_MANAGED: {{ .Values.kafka.topicsManaged | quote }}
KAFKA_TOPIC_PARTITIONS: {{ .Values.kafka.topicPartitions | quote }}
KAFKA_REPLICATION_FACTOR: {{ .Values.kafka.replicationFactor | quote }}
KAFKA_MIN_INSYNC_REPLICAS: {{ .Values.kafka.minInsyncReplicas | quote }}
SCHEMA_REGISTRY_URL: {{ .Values.schemaRegistryUrl | quote }}
{{- end }}

{{/* Hooks run before the release's own objects exist: what they read is made as a hook first. */}}
{{- define "coffer.preHook" -}}
helm.sh/hook: pre-install,pre-upgrade
helm.sh/hook-weight: {{ . | quote }}
helm.sh/hook-delete-policy: before-hook-creation
{{- end }}

{{/* A Deployment's PodDisruptionBudget and, when enabled, its HorizontalPodAutoscaler. */}}
{{- define "coffer.scaling" }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ .component }}
  labels:
    {{- include "coffer.labels" . | nindent 4 }}
spec:
  minAvailable: {{ .spec.pdb.minAvailable }}
  selector:
    matchLabels:
      {{- include "coffer.selectorLabels" . | nindent 6 }}
{{- if .spec.autoscaling.enabled }}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ .component }}
  labels:
    {{- include "coffer.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ .component }}
  minReplicas: {{ .spec.autoscaling.minReplicas }}
  maxReplicas: {{ .spec.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ .spec.autoscaling.targetCPUUtilizationPercentage }}
{{- end }}
{{- end }}

{{/* Egress rules: DNS, then each named engine's ports (to its peers when networkPolicy.engines names them). */}}
{{- define "coffer.egress" -}}
- ports:
    - { port: 53, protocol: UDP }
    - { port: 53, protocol: TCP }
{{- range .engines }}
{{- $engine := index $.root.Values.networkPolicy.engines . }}
- ports:
    {{- range $engine.ports }}
    - { port: {{ . }}, protocol: TCP }
    {{- end }}
  {{- with $engine.to }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
{{- end }}
