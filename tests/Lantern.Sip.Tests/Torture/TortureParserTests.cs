using Lantern.Sip.Messages;

namespace Lantern.Sip.Tests.Torture;

/// <summary>Every RFC 4475 torture message through <see cref="SipMessageParser"/>: never throws, and parses or fails as the RFC says.</summary>
public sealed class TortureParserTests
{
    [Theory]
    [InlineData("wsinv")]
    [InlineData("intmeth")]
    [InlineData("esc01")]
    [InlineData("escnull")]
    [InlineData("esc02")]
    [InlineData("lwsdisp")]
    [InlineData("longreq")]
    [InlineData("dblreq")]
    [InlineData("semiuri")]
    [InlineData("transports")]
    [InlineData("mpart01")]
    [InlineData("unreason")]
    [InlineData("noreason")]
    [InlineData("badinv01")]
    [InlineData("clerr")]
    [InlineData("ncl")]
    [InlineData("scalar02")]
    [InlineData("scalarlg")]
    [InlineData("quotbal")]
    [InlineData("ltgtruri")]
    [InlineData("lwsruri")]
    [InlineData("lwsstart")]
    [InlineData("trws")]
    [InlineData("escruri")]
    [InlineData("baddate")]
    [InlineData("regbadct")]
    [InlineData("badaspec")]
    [InlineData("baddn")]
    [InlineData("badvers")]
    [InlineData("mismatch01")]
    [InlineData("mismatch02")]
    [InlineData("bigcode")]
    [InlineData("badbranch")]
    [InlineData("insuf")]
    [InlineData("unkscm")]
    [InlineData("novelsc")]
    [InlineData("unksm2")]
    [InlineData("bext01")]
    [InlineData("invut")]
    [InlineData("regaut01")]
    [InlineData("multi01")]
    [InlineData("mcl01")]
    [InlineData("bcast")]
    [InlineData("zeromf")]
    [InlineData("cparam01")]
    [InlineData("cparam02")]
    [InlineData("regescrt")]
    [InlineData("sdp01")]
    [InlineData("inv2543")]
    public void Parser_HandlesAsRfcSays(string name)
    {
        var c = TortureManifest.Get(name);
        var ok = SipMessageParser.TryParse(TortureCorpus.Bytes(c), new SipLimits(), out var message, out var error);
        using var _ = message;
        switch (c.Class)
        {
            case TortureClass.ParseOk:
                Assert.True(ok, $"{c.Section} {c.Name}: {error}");
                break;
            case TortureClass.Answer when c.Codes is [400]:
                // A 400 the RFC asks for comes from the parser, with a reason phrase naming the problem.
                Assert.False(ok, $"{c.Section} {c.Name} parsed although the RFC wants 400");
                Assert.NotNull(message);
                Assert.True(message.CanBuildResponse || message.CanAnswerStatelessly, $"{c.Section} {c.Name}: {error} but no response can be built");
                Assert.Contains(error.StatusCode, c.Codes);
                Assert.NotEqual("Bad Request", error.ReasonPhrase);
                break;
            case TortureClass.Answer:
                // Other answers (416, 420, 505, or a 400 the RFC lets an element waive) may come from the stack.
                Assert.True(ok || (message is { CanBuildResponse: true } or { CanAnswerStatelessly: true } && Array.IndexOf(c.Codes, error.StatusCode) >= 0), $"{c.Section} {c.Name}: {error}");
                break;
            case TortureClass.Discard:
                Assert.True(!ok || message is { IsResponse: true }, $"{c.Section} {c.Name} is not a response");
                break;
        }
    }

    [Fact]
    public void Manifest_CoversEveryCorpusFileOnce()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "Torture", "Corpus", "rfc4475");
        var files = Directory.GetFiles(dir, "*.sip").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToArray();
        var names = TortureManifest.All.Select(c => c.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(49, names.Length);
        Assert.Equal(files, names);
    }
}
