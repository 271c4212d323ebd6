namespace Lantern.Tests.Architecture;

/// <summary>The layering rules of docs/architecture.md, checked on the source tree's namespace imports.</summary>
public sealed class DependencyRulesTests
{
    private static readonly string[] Sources = ["Phones", "Upstreams", "Peers", "Api", "Ami", "Spool"];

    [Fact]
    public void SipStack_ImportsNothingFromLantern()
    {
        foreach (var (file, import) in Imports(Path.Combine(Root, "src", "Lantern.Sip")))
        {
            Assert.False(import.StartsWith("Lantern.", StringComparison.Ordinal) && !import.StartsWith("Lantern.Sip", StringComparison.Ordinal), $"{file} imports {import}");
        }
    }

    [Fact]
    public void Mailboxes_ImportOnlyTheBcl()
    {
        foreach (var (file, import) in Imports(Path.Combine(Root, "src", "Lantern", "Mailboxes")))
        {
            var ok = import.StartsWith("System", StringComparison.Ordinal) || import.StartsWith("Lantern.Mailboxes", StringComparison.Ordinal);
            Assert.True(ok, $"{file} imports {import}");
        }
    }

    [Fact]
    public void Sources_DoNotImportEachOther()
    {
        foreach (var source in Sources)
        {
            var folder = Path.Combine(Root, "src", "Lantern", source);
            if (!Directory.Exists(folder))
            {
                continue;
            }

            foreach (var (file, import) in Imports(folder))
            {
                foreach (var other in Sources)
                {
                    Assert.False(other != source && (import == "Lantern." + other || import.StartsWith("Lantern." + other + ".", StringComparison.Ordinal)), $"{file} imports {import}");
                }
            }
        }
    }

    [Fact]
    public void Imports_FindsUsingsInThisTree()
    {
        // Guards the scanner itself: the test tree must show at least one import, or the rules above would pass vacuously.
        Assert.Contains(Imports(Path.Combine(Root, "src", "Lantern", "Hosting")), i => i.Import == "Lantern.Configuration");
    }

    private static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Lantern.slnx")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
        }
    }

    private static List<(string File, string Import)> Imports(string folder)
    {
        var result = new List<(string, string)>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains("/obj/", StringComparison.Ordinal) || file.Contains("/bin/", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var line in File.ReadLines(file))
            {
                var t = line.Trim();
                if (t.StartsWith("using ", StringComparison.Ordinal) && t.EndsWith(';') && !t.Contains('(', StringComparison.Ordinal))
                {
                    var name = t["using ".Length..^1].Trim();
                    if (name.StartsWith("static ", StringComparison.Ordinal))
                    {
                        name = name["static ".Length..];
                    }

                    var eq = name.IndexOf('=', StringComparison.Ordinal);
                    if (eq >= 0)
                    {
                        name = name[(eq + 1)..].Trim();
                    }

                    result.Add((Path.GetRelativePath(Root, file), name));
                }
            }
        }

        return result;
    }
}
