using Lantern.Cli;

namespace Lantern.Tests.Configuration;

public sealed class ConfigCommandTests
{
    [Fact]
    public void Check_ExampleFile_ExitsZero()
    {
        var file = Path.Combine(LanternConfigurationTests.FindRepoRoot(), "examples", "lantern.json");
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(0, ConfigCommand.Check(file, includeEnvironment: false, output, error));
        Assert.Contains("valid", output.ToString(), StringComparison.Ordinal);
        Assert.Empty(error.ToString());
    }

    [Fact]
    public void Check_MissingFile_ExitsTwo()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(2, ConfigCommand.Check("/nonexistent/lantern.json", includeEnvironment: false, output, error));
        Assert.Contains("not found", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_InvalidFile_ExitsOneWithEveryError()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, """{ "endpoints": [ { "id": "1", "password": "p", "mailboxes": [ "10 01" ] } ], "upstreams": [ "x" ] }""");
            using var output = new StringWriter();
            using var error = new StringWriter();
            Assert.Equal(1, ConfigCommand.Check(file, includeEnvironment: false, output, error));
            var text = error.ToString();
            Assert.Contains("endpoints[0].mailboxes[0]: invalid mailbox id \"10 01\"", text, StringComparison.Ordinal);
            Assert.Contains("upstreams[0]: invalid upstream line \"x\"", text, StringComparison.Ordinal);
            Assert.Contains("2 error(s)", text, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Check_UnknownKeys_WarnsButValid()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, """
                { "sip": { "domian": "x" },
                  "endpoints": [ { "id": "1", "password": "p", "mailboxes": [ "1" ], "mailbox": "2", "effectiveAuthUser": "z" } ],
                  "upstreams": [ "u@h/1", { "user": "u", "host": "h", "mailbox": "2", "secrett": "s" } ] }
                """);
            using var output = new StringWriter();
            using var error = new StringWriter();
            Assert.Equal(0, ConfigCommand.Check(file, includeEnvironment: false, output, error));
            var text = error.ToString();
            Assert.Contains("warning: sip.domian: unknown setting, ignored", text, StringComparison.Ordinal);
            Assert.Contains("warning: endpoints[0].mailbox: unknown setting", text, StringComparison.Ordinal);
            Assert.Contains("warning: endpoints[0].effectiveAuthUser: unknown setting", text, StringComparison.Ordinal);
            Assert.Contains("warning: upstreams[1].secrett: unknown setting", text, StringComparison.Ordinal);
            Assert.Equal(4, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
