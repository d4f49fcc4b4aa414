package pipelines

import (
	"bytes"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// YAML renders the expanded pipeline.
func (d *Document) YAML() ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(toYAMLNode(d.Root)); err != nil {
		return nil, fmt.Errorf("render expanded pipeline: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("render expanded pipeline: %w", err)
	}
	return buf.Bytes(), nil
}

func toYAMLNode(n *Node) *yaml.Node {
	if n == nil {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	}
	switch n.Kind {
	case SequenceNode:
		y := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, it := range n.Items {
			y.Content = append(y.Content, toYAMLNode(it))
		}
		return y
	case MappingNode:
		y := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		for _, p := range n.Pairs {
			y.Content = append(y.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: p.Key.Value}, toYAMLNode(p.Value))
		}
		return y
	case NullNode:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	case BoolNode:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: n.Value}
	case NumberNode:
		if strings.ContainsAny(n.Value, ".eEN") {
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: n.Value}
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: n.Value}
	}
	y := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: n.Value}
	if n.Plain && !strings.ContainsAny(n.Value, "\n#:") && n.Value != "" {
		// Written unquoted in the source: write it back the same way.
		y.Tag = ""
	}
	if strings.Contains(strings.TrimRight(n.Value, "\n"), "\n") {
		y.Style = yaml.LiteralStyle
	}
	return y
}
