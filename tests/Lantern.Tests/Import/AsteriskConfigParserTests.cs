using Lantern.Import;

namespace Lantern.Tests.Import;

public sealed class AsteriskConfigParserTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lantern-ast-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Parse_SectionsKeysArrowsComments_TracksLines()
    {
        var config = Parse("main.conf", """
            ; leading comment
            [general]
            mwi => 1@h/1 ; trailing comment
            key = value with spaces   
            escaped=a\;b;comment
            ;-- block
            [hidden]
            x=y
            --; after=block
            """);
        var general = Assert.Single(config.Sections);
        Assert.Equal("general", general.Name);
        Assert.Equal(2, general.Line);
        Assert.Collection(
            general.Settings,
            s => Assert.Equal(("mwi", "1@h/1", 3, true), (s.Key, s.Value, s.Line, s.IsArrow)),
            s => Assert.Equal(("key", "value with spaces", 4, false), (s.Key, s.Value, s.Line, s.IsArrow)),
            s => Assert.Equal(("escaped", "a;b", 5), (s.Key, s.Value, s.Line)),
            s => Assert.Equal(("after", "block", 9), (s.Key, s.Value, s.Line)));
    }

    [Fact]
    public void Parse_Templates_InheritInOrderThenOwn()
    {
        var config = Parse("main.conf", """
            [a](!)
            k=a
            only_a=1
            [b](!,a)
            k=b
            [peer](b)
            k=own
            [other](a,missing)
            """);
        var peer = config.Find("peer")!;
        Assert.Equal(["a", "1", "b", "own"], peer.Settings.Select(s => s.Value));
        Assert.Equal("own", peer.Last("k")!.Value);
        Assert.True(config.Find("a")!.IsTemplate);
        Assert.True(config.Find("a")!.IsInherited);
        Assert.Contains(config.Problems, p => p.Detail.Contains("template \"missing\" not found", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_PlusSection_AppendsToExisting()
    {
        var config = Parse("main.conf", "[s]\na=1\n[s](+)\nb=2\n");
        Assert.Equal(["a", "b"], Assert.Single(config.Sections).Settings.Select(s => s.Key));
    }

    [Fact]
    public void Parse_Includes_RelativeToIncludingFileAndContinueSection()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "sub"));
        File.WriteAllText(Path.Combine(_dir, "sub", "inner.conf"), "x=from-inner\n#include <deeper.conf>\n");
        File.WriteAllText(Path.Combine(_dir, "sub", "deeper.conf"), "[deep]\nz=1\n");
        var config = Parse("main.conf", "[s]\n#include \"sub/inner.conf\"\ny=after\n");
        var s = config.Find("s")!;
        Assert.Equal(["from-inner"], s.Settings.Select(x => x.Value));
        var inner = s.Settings[0];
        Assert.Equal((Path.Combine("sub", "inner.conf"), 1), (inner.File, inner.Line));
        Assert.Equal(["z", "y"], config.Find("deep")!.Settings.Select(x => x.Key));
    }

    [Fact]
    public void Parse_IncludeCycleAndMissing_ReportedNotFatal()
    {
        File.WriteAllText(Path.Combine(_dir, "b.conf"), "#include a.conf\n[b]\nk=v\n");
        var config = Parse("a.conf", "[a]\n#include b.conf\n#include nothere.conf\n#tryinclude alsonothere.conf\n");
        Assert.NotNull(config.Find("b"));
        Assert.Contains(config.Problems, p => p.Action == ImportAction.Ignored && p.Detail.Contains("include cycle", StringComparison.Ordinal));
        Assert.Contains(config.Problems, p => p.Detail == "file not found: nothere.conf");
        Assert.DoesNotContain(config.Problems, p => p.Detail.Contains("alsonothere", StringComparison.Ordinal) && p.Action == ImportAction.Ignored);
    }

    [Fact]
    public void Parse_SelfIncludeChain_StopsAtDepthOrCycle()
    {
        for (var i = 0; i < 15; i++)
        {
            File.WriteAllText(Path.Combine(_dir, $"f{i}.conf"), $"#include f{i + 1}.conf\n");
        }

        var config = Parse("f0.conf", null);
        Assert.Contains(config.Problems, p => p.Detail.Contains("nested deeper", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_Junk_ReportedAsIgnored()
    {
        var config = Parse("main.conf", "orphan=1\n[bad\n[s] junk\nnot a setting\n");
        Assert.Contains(config.Problems, p => p.Detail == "setting outside any section");
        Assert.Contains(config.Problems, p => p.Detail == "section header without ']'");
        Assert.Contains(config.Problems, p => p.Detail.StartsWith("text after the section header", StringComparison.Ordinal));
        Assert.Contains(config.Problems, p => p.Detail == "not key=value" && p.Line == 4);
    }

    private AsteriskConfig Parse(string name, string? text)
    {
        var path = Path.Combine(_dir, name);
        if (text is not null)
        {
            File.WriteAllText(path, text);
        }

        return AsteriskConfigParser.Parse(path);
    }
}
