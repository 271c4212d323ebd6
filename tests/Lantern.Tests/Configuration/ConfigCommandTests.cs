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

        // The demo endpoints' passwords are short on purpose; nothing else is said.
        Assert.All(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.Matches(@"^warning: endpoints\[\d\]\.password: shorter than", line));
    }

    [Fact]
    public void Check_WeakSettings_ValidWithAWarningNamingEach()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, """
                {
                  "sip": { "trusted": [ "0.0.0.0/0", "10.0.0.0/8" ], "listen": [ { "transport": "udp", "address": "0.0.0.0", "port": 5060 } ] },
                  "http": { "listen": "0.0.0.0:8088", "users": [ { "name": "admin", "password": "short" } ], "apiKeys": [ "k" ] },
                  "ami": { "listen": "[::]:5038", "users": [ { "name": "admin", "secret": "a-long-enough-secret" } ] },
                  "endpoints": [ { "id": "1", "password": "a-long-enough-secret", "permit": [ "::/0" ], "mailboxes": [ "1@default" ] } ]
                }
                """);
            using var output = new StringWriter();
            using var error = new StringWriter();
            Assert.Equal(0, ConfigCommand.Check(file, includeEnvironment: false, output, error));
            var text = error.ToString();
            Assert.Contains("warning: sip.trusted[0]: \"0.0.0.0/0\" covers every address", text, StringComparison.Ordinal);
            Assert.DoesNotContain("sip.trusted[1]", text, StringComparison.Ordinal);
            Assert.Contains("warning: endpoints[0].permit[0]: \"::/0\" covers every address", text, StringComparison.Ordinal);
            Assert.Contains("warning: sip.listen[0].address: \"0.0.0.0\" listens on every interface", text, StringComparison.Ordinal);
            Assert.Contains("warning: http.listen: \"0.0.0.0:8088\" listens on every interface", text, StringComparison.Ordinal);
            Assert.Contains("warning: ami.listen: \"[::]:5038\" listens on every interface", text, StringComparison.Ordinal);
            Assert.Contains("warning: http.users[0].password: shorter than 12 characters", text, StringComparison.Ordinal);
            Assert.Contains("warning: http.apiKeys[0]: shorter than 12 characters", text, StringComparison.Ordinal);
            Assert.DoesNotContain("ami.users[0]", text, StringComparison.Ordinal);
            Assert.DoesNotContain("endpoints[0].password", text, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
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
            Assert.Equal(4, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(line => line.Contains("unknown setting", StringComparison.Ordinal)));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
