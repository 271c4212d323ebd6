using Lantern.Sip.Messages;

namespace Lantern.Sip.Tests.Torture;

/// <summary>Every RFC 4475 and RFC 5118 torture message through <see cref="SipMessageParser"/>: never throws, and parses or
/// fails as the RFC says.</summary>
public sealed class TortureParserTests
{
    public static TheoryData<string> Names => TortureManifest.Names();

    [Theory]
    [MemberData(nameof(Names))]
    public void Parser_HandlesAsRfcSays(string name)
    {
        var c = TortureManifest.Get(name);
        var ok = SipMessageParser.TryParse(TortureCorpus.Bytes(c), new SipLimits(), out var message, out var error);
        using var _ = message;
        switch (c.Class)
        {
            case TortureClass.Valid:
                Assert.True(ok, $"{c}: {error.StatusCode} {error.ReasonPhrase} ({error.Reason})");
                break;
            case TortureClass.Reject:
                // The 400 the RFC asks for comes from the parser, with a reason phrase naming the problem, and can be sent.
                Assert.False(ok, $"{c} parsed although the RFC wants 400");
                Assert.NotNull(message);
                Assert.True(message.CanBuildResponse || message.CanAnswerStatelessly, $"{c}: {error.ReasonPhrase} but no response can be built");
                Assert.Equal(400, error.StatusCode);
                Assert.NotEqual("Bad Request", error.ReasonPhrase);
                break;
            case TortureClass.Answer:
                // 416, 420, 401 come from the stack or a handler; 505 from the parser.
                Assert.True(ok || (message is { CanBuildResponse: true } && Array.IndexOf(c.Codes, error.StatusCode) >= 0),
                    $"{c}: {error.StatusCode} {error.ReasonPhrase}");
                break;
            case TortureClass.Discard:
                Assert.True(!ok, $"{c} parsed although the RFC wants it discarded");
                break;
        }
    }

    [Fact]
    public void Manifest_CoversEveryCorpusFileOnce()
    {
        var files = new List<string>();
        foreach (var path in Directory.GetFiles(TortureCorpus.Directory, "*.sip", SearchOption.AllDirectories))
        {
            files.Add(Path.GetFileName(Path.GetDirectoryName(path)) + "/" + Path.GetFileNameWithoutExtension(path));
        }

        var names = new List<string>();
        foreach (var c in TortureManifest.All)
        {
            names.Add(c.Rfc + "/" + c.Name);
        }

        files.Sort(StringComparer.Ordinal);
        names.Sort(StringComparer.Ordinal);
        Assert.Equal(61, names.Count);
        Assert.Equal(files, names);
    }

    [Theory]
    [InlineData("port-ambiguous", "2001:db8::10:5070", 0)]
    [InlineData("port-unambiguous", "2001:db8::10", 5070)]
    [InlineData("ipv6-good", "2001:db8::10", 0)]
    [InlineData("ipv6-correct-abnf-2-colons", "2001:db8::192.0.2.1", 0)]
    [InlineData("ipv6-bug-abnf-3-colons", "2001:db8:::192.0.2.1", 0)]
    public void Ipv6RequestUri_HostAndPortAsRfc5118Says(string name, string host, int port)
    {
        Assert.True(SipMessageParser.TryParse(TortureCorpus.Bytes(TortureManifest.Get(name)), new SipLimits(), out var message, out var error), error.ReasonPhrase);
        using var _ = message;
        var uri = message!.RequestUri;
        Assert.NotNull(uri);
        Assert.True(uri.IsIPv6);
        Assert.Equal(host, uri.Host);
        Assert.Equal(port, uri.Port);
    }

    [Theory]
    [InlineData("ipv6-good", "2001:db8::9:1", 0, null)]
    [InlineData("via-received-param-with-delim", "2001:db8::9:1", 0, "[2001:db8::9:255]")]
    [InlineData("via-received-param-no-delim", "2001:db8::9:1", 0, "2001:db8::9:255")]
    [InlineData("mult-ip-in-header", "2001:db8::9:1", 6050, null)]
    [InlineData("ipv4-mapped-ipv6", "::ffff:192.0.2.10", 19823, null)]
    public void Ipv6Via_SentByAndReceivedAsRfc5118Says(string name, string host, int port, string? received)
    {
        Assert.True(SipMessageParser.TryParse(TortureCorpus.Bytes(TortureManifest.Get(name)), new SipLimits(), out var message, out var error), error.ReasonPhrase);
        using var _ = message;
        Assert.Equal(host, message!.TopViaHost);
        Assert.Equal(port, message.TopViaPort);
        Assert.Equal(received, message.TopViaReceived);
    }

    [Theory]
    [InlineData("ipv6-good", "2001:db8::1")]
    [InlineData("ipv4-mapped-ipv6", "::ffff:192.0.2.2")]
    [InlineData("mult-ip-in-sdp", "2001:db8::9:1")]
    public void Ipv6Contact_Parses(string name, string host)
    {
        Assert.True(SipMessageParser.TryParse(TortureCorpus.Bytes(TortureManifest.Get(name)), new SipLimits(), out var message, out var error), error.ReasonPhrase);
        using var _ = message;
        Assert.True(message!.TryGetContacts(out var contacts));
        var contact = Assert.Single(contacts);
        Assert.True(contact.Address!.Uri.IsIPv6);
        Assert.Equal(host, contact.Address.Uri.Host);
    }
}
