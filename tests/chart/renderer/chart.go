package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// ChartMeta mirrors the fields of Helm's chart.Metadata that templates use.
type ChartMeta struct {
	APIVersion  string            `yaml:"apiVersion"`
	Name        string            `yaml:"name"`
	Version     string            `yaml:"version"`
	AppVersion  string            `yaml:"appVersion"`
	Description string            `yaml:"description"`
	Type        string            `yaml:"type"`
	KubeVersion string            `yaml:"kubeVersion"`
	Home        string            `yaml:"home"`
	Keywords    []string          `yaml:"keywords"`
	Annotations map[string]string `yaml:"annotations"`
}

type templateFile struct {
	name    string // "<chart>/templates/x.yaml", as Helm names it
	content string
}

type chart struct {
	dir       string
	meta      ChartMeta
	values    map[string]interface{}
	schema    map[string]interface{}
	templates []templateFile
}

func loadChart(dir string) (*chart, error) {
	c := &chart{dir: dir}
	raw, err := os.ReadFile(filepath.Join(dir, "Chart.yaml"))
	if err != nil {
		return nil, fmt.Errorf("not a chart: %w", err)
	}
	if err := yaml.Unmarshal(raw, &c.meta); err != nil {
		return nil, fmt.Errorf("Chart.yaml: %w", err)
	}
	if c.meta.Name == "" || c.meta.Version == "" {
		return nil, fmt.Errorf("Chart.yaml: name and version are required")
	}
	if c.meta.APIVersion != "v2" {
		return nil, fmt.Errorf("Chart.yaml: apiVersion must be v2, got %q", c.meta.APIVersion)
	}

	c.values = map[string]interface{}{}
	if raw, err := os.ReadFile(filepath.Join(dir, "values.yaml")); err == nil {
		if c.values, err = parseValuesYaml(raw); err != nil {
			return nil, fmt.Errorf("values.yaml: %w", err)
		}
	}
	if raw, err := os.ReadFile(filepath.Join(dir, "values.schema.json")); err == nil {
		if err := json.Unmarshal(raw, &c.schema); err != nil {
			return nil, fmt.Errorf("values.schema.json: %w", err)
		}
	}

	tdir := filepath.Join(dir, "templates")
	err = filepath.Walk(tdir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(tdir, path)
		content, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		c.templates = append(c.templates, templateFile{
			name:    c.meta.Name + "/templates/" + filepath.ToSlash(rel),
			content: string(content),
		})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading templates: %w", err)
	}
	sort.Slice(c.templates, func(i, j int) bool { return c.templates[i].name < c.templates[j].name })
	return c, nil
}

// isPartial reports whether Helm would parse the file but not render it:
// names starting with "_" hold only defines.
func isPartial(name string) bool {
	return strings.HasPrefix(filepath.Base(name), "_")
}

func isNotes(name string) bool {
	return strings.HasSuffix(name, "/templates/NOTES.txt")
}

// isManifest reports whether the file's output belongs in the manifest stream.
func isManifest(name string) bool {
	ext := filepath.Ext(name)
	return !isPartial(name) && !isNotes(name) && (ext == ".yaml" || ext == ".yml" || ext == ".json")
}
