// Command renderer renders a Helm chart the way `helm template` does, for
// machines without helm: the same template context (.Values, .Release,
// .Chart, .Capabilities, .Template, .Files), the same function set (sprig
// without env/expandenv, plus include, tpl, required, toYaml, fromYaml,
// toJson, fromJson, lookup), values.yaml deep-merged with -f overlays and
// --set overrides, and values.schema.json validation.
//
// Usage:
//
//	renderer [flags] CHART_DIR
//
//	-f, --values FILE      values overlay (repeatable, later wins)
//	--set a.b=c            override (repeatable; comma-separated pairs allowed)
//	--set-string a.b=c     override, value always a string
//	--name NAME            release name (default "release-name")
//	--namespace NS         release namespace (default "default")
//	--kube-version V       Kubernetes version for .Capabilities (default "1.31.0")
//	-a, --api-versions V   extra API version for .Capabilities.APIVersions (repeatable)
//	--show-notes           also print the rendered NOTES.txt after the manifests
//
// Exit status: 0 on success, 1 on schema, template or `fail`/`required` errors
// (the message goes to stderr), 2 on bad usage.
package main

import (
	"fmt"
	"os"
	"strings"
)

type options struct {
	chartDir    string
	valueFiles  []string
	sets        []string
	setStrings  []string
	releaseName string
	namespace   string
	kubeVersion string
	apiVersions []string
	showNotes   bool
}

func main() {
	opts, err := parseArgs(os.Args[1:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "Error: %v\n", err)
		os.Exit(2)
	}
	out, err := run(opts)
	if err != nil {
		fmt.Fprintf(os.Stderr, "Error: %v\n", err)
		os.Exit(1)
	}
	fmt.Print(out)
}

func parseArgs(args []string) (*options, error) {
	o := &options{releaseName: "release-name", namespace: "default", kubeVersion: "1.31.0"}
	next := func(i *int, name string) (string, error) {
		if *i+1 >= len(args) {
			return "", fmt.Errorf("flag %s needs a value", name)
		}
		*i++
		return args[*i], nil
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, inline, hasInline := strings.Cut(a, "=")
		if !strings.HasPrefix(a, "-") {
			if o.chartDir != "" {
				return nil, fmt.Errorf("unexpected argument %q (chart already given: %q)", a, o.chartDir)
			}
			o.chartDir = a
			continue
		}
		value := func() (string, error) {
			if hasInline {
				return inline, nil
			}
			return next(&i, name)
		}
		var v string
		var err error
		switch name {
		case "-f", "--values":
			v, err = value()
			o.valueFiles = append(o.valueFiles, v)
		case "--set":
			v, err = value()
			o.sets = append(o.sets, v)
		case "--set-string":
			v, err = value()
			o.setStrings = append(o.setStrings, v)
		case "--name":
			v, err = value()
			o.releaseName = v
		case "--namespace", "-n":
			v, err = value()
			o.namespace = v
		case "--kube-version":
			v, err = value()
			o.kubeVersion = strings.TrimPrefix(v, "v")
		case "-a", "--api-versions":
			v, err = value()
			o.apiVersions = append(o.apiVersions, v)
		case "--show-notes":
			o.showNotes = true
		default:
			return nil, fmt.Errorf("unknown flag %q", a)
		}
		if err != nil {
			return nil, err
		}
	}
	if o.chartDir == "" {
		return nil, fmt.Errorf("usage: renderer [-f values.yaml] [--set k=v] [--name rel] [--namespace ns] CHART_DIR")
	}
	return o, nil
}

func run(o *options) (string, error) {
	chart, err := loadChart(o.chartDir)
	if err != nil {
		return "", err
	}
	values, err := buildValues(chart, o)
	if err != nil {
		return "", err
	}
	if chart.schema != nil {
		if errs := validateSchema(chart.schema, values); len(errs) > 0 {
			return "", fmt.Errorf("values don't meet the specifications of the schema(s) in the following chart(s):\n%s:\n- %s",
				chart.meta.Name, strings.Join(errs, "\n- "))
		}
	}
	return render(chart, values, o)
}
