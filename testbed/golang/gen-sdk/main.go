// Command gen-sdk writes a language SDK of a Pulumi package schema with Pulumi's own code generators
// (pkg/codegen/go and pkg/codegen/python). `pulumi package gen-sdk` reaches them through pulumi-language-go and
// pulumi-language-python, which the test bed does not build (the Go module proxy reachable here does not serve the
// Go host's module).
//
//	gen-sdk go SCHEMA.json OUTDIR IMPORT_BASE_PATH
//	gen-sdk python SCHEMA.json OUTDIR
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	pygen "github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const usage = "usage: gen-sdk go SCHEMA.json OUTDIR IMPORT_BASE_PATH | gen-sdk python SCHEMA.json OUTDIR"

func main() {
	args := os.Args[1:]
	if len(args) < 3 || (args[0] == "go") != (len(args) == 4) || (args[0] != "go" && args[0] != "python") {
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	if err := run(args[0], args[1], args[2], args[3:]); err != nil {
		fmt.Fprintln(os.Stderr, "gen-sdk:", err)
		os.Exit(1)
	}
}

func run(language, schemaPath, outDir string, rest []string) error {
	b, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(b, &spec); err != nil {
		return fmt.Errorf("parse %s: %w", schemaPath, err)
	}
	if language == "go" {
		// where the generated packages import each other from (the consumer's module path)
		goInfo, err := json.Marshal(map[string]any{"importBasePath": rest[0]})
		if err != nil {
			return err
		}
		if spec.Language == nil {
			spec.Language = map[string]schema.RawMessage{}
		}
		spec.Language["go"] = goInfo
	}
	pkg, diags, err := schema.BindSpec(spec, noLoader{}, schema.ValidationOptions{})
	if err != nil {
		return err
	}
	if diags.HasErrors() {
		return diags
	}
	var files map[string][]byte
	if language == "go" {
		files, err = gogen.GeneratePackage("gen-sdk", pkg, nil)
	} else {
		// the schema references no other package, so the generator never asks the loader for one
		files, err = pygen.GeneratePackage("gen-sdk", pkg, nil, nil)
	}
	if err != nil {
		return err
	}
	for name, data := range files {
		p := filepath.Join(outDir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// noLoader refuses other packages: this package's schema references none (its references are to its own resources).
type noLoader struct{}

func (noLoader) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("package %s: the schema should not reference other packages", pkg)
}

func (l noLoader) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return l.LoadPackage(d.Name, d.Version)
}
