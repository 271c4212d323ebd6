using System.Net;
using System.Text;
using Lantern.Sip.Messages;

namespace Lantern.Sip.Tests.Messages;

public sealed class SipMessageParserTests
{
    private static SipMessage Parse(string text)
    {
        var ok = SipMessageParser.TryParse(SipSamples.Bytes(text), SipLimits.Default, out var m, out var error);
        Assert.True(ok, error.ToString());
        return m!;
    }

    private static SipParseError Fail(string text, bool expectMessage = true)
    {
        var ok = SipMessageParser.TryParse(SipSamples.Bytes(text), SipLimits.Default, out var m, out var error);
        Assert.False(ok);
        Assert.Equal(expectMessage, m is not null);
        m?.Dispose();
        return error;
    }

    [Fact]
    public void TryParse_AddrSpecWithLwsBeforeParameters_TagFound()
    {
        // RFC 4475 §3.1.1.1: LWS, and a fold, between an addr-spec and its ';' and around '='.
        using var m = Parse(SipSamples.Options.Replace("To: <sip:pbx.example.com>", "To :\r\n sip:pbx.example.com ;   tag    = 1918181833n", StringComparison.Ordinal));
        Assert.Equal("1918181833n", m.ToTag);
    }

    [Fact]
    public void TryParse_Subscribe_ExposesEssentials()
    {
        using var m = Parse(SipSamples.Subscribe);
        Assert.True(m.IsRequest);
        Assert.Equal(SipMethod.Subscribe, m.Method);
        Assert.Equal("SUBSCRIBE", m.MethodText);
        Assert.Equal("sip:1000@pbx.example.com", m.RequestUriText);
        Assert.Equal("1000", m.RequestUri!.User);
        Assert.Equal("pbx.example.com", m.RequestUri.Host);
        Assert.Equal("z9hG4bK776asdhds", m.TopViaBranch);
        Assert.Equal("UDP", m.TopViaTransport);
        Assert.Equal("192.0.2.10", m.TopViaHost);
        Assert.Equal(5060, m.TopViaPort);
        Assert.True(m.TopViaHasRport);
        Assert.Equal("1928301774", m.FromTag);
        Assert.Null(m.ToTag);
        Assert.Equal("a84b4c76e66710@192.0.2.10", m.CallId);
        Assert.Equal(new CSeq(314159, SipMethod.Subscribe, "SUBSCRIBE"), m.CSeq);
        Assert.Equal(70, m.MaxForwards);
        Assert.Equal(0, m.ContentLength);
        Assert.True(m.Body.IsEmpty);
        Assert.True(m.TryGetExpires(out var expires));
        Assert.Equal(3600, expires);
        Assert.True(m.TryGetEvent(out var evt));
        Assert.Equal("message-summary", evt!.Package);
        Assert.Equal(["application/simple-message-summary"], m.GetList(SipHeaderId.Accept));
        Assert.Equal(["replaces", "timer"], m.GetList(SipHeaderId.Supported));
        Assert.Equal(7, m.GetList(SipHeaderId.Allow).Count);
        Assert.True(m.TryGetFrom(out var from));
        Assert.Equal("Alice Smith", from!.DisplayName);
        Assert.Equal("1928301774", from.Tag);
        Assert.True(m.TryGetContacts(out var contacts));
        Assert.Single(contacts);
        Assert.Equal(3600, contacts[0].Expires);
        Assert.Equal("udp", contacts[0].Address!.Uri.GetParameter("transport"));
        Assert.Equal("Yealink SIP-T46S 66.85.0.5", m.GetHeader(SipHeaderId.UserAgent));
    }

    [Fact]
    public void TryParse_NotifyWithBody_BodyAndSubscriptionState()
    {
        using var m = Parse(SipSamples.Notify);
        Assert.Equal(SipMethod.Notify, m.Method);
        Assert.Equal(SipSamples.NotifyBody, Encoding.UTF8.GetString(m.Body.Span));
        Assert.Equal("application/simple-message-summary", m.ContentType);
        Assert.True(m.TryGetSubscriptionState(out var state));
        Assert.Equal("active", state!.State);
        Assert.Equal(3599, state.Expires);
        Assert.Equal("1928301774", m.ToTag);
    }

    [Fact]
    public void TryParse_RegisterOverIPv6_ContactsPathAuthorization()
    {
        using var m = Parse(SipSamples.Register);
        Assert.Equal("2001:db8::10", m.TopViaHost);
        Assert.Equal(5062, m.TopViaPort);
        Assert.Equal("TCP", m.TopViaTransport);
        Assert.Equal("2001:db8::99", m.TopViaReceived);
        Assert.True(m.TryGetContacts(out var contacts));
        Assert.Equal(2, contacts.Count);
        Assert.True(contacts[0].Address!.Uri.IsIPv6);
        Assert.Equal("2001:db8::10", contacts[0].Address!.Uri.Host);
        Assert.Equal(5062, contacts[0].Address!.Uri.Port);
        Assert.Equal("0.7", contacts[0].Address!.GetParameter("q"));
        Assert.Null(contacts[1].Expires);
        Assert.StartsWith("Digest username=\"1001\"", m.GetHeader(SipHeaderId.Authorization), StringComparison.Ordinal);
        Assert.True(m.TryGetAddressList(SipHeaderId.Path, out var path));
        Assert.Equal("edge.example.com", path[0].Uri.Host);
        Assert.True(path[0].Uri.HasParameter("lr"));
    }

    [Fact]
    public void TryParse_CompactForms_Recognised()
    {
        const string text =
            "NOTIFY sip:a@b SIP/2.0\r\n" +
            "v: SIP/2.0/UDP h1;branch=z9hG4bK1\r\n" +
            "f: <sip:x@y>;tag=ft\r\n" +
            "t: <sip:a@b>;tag=tt\r\n" +
            "i: cid\r\n" +
            "CSeq: 5 NOTIFY\r\n" +
            "m: <sip:x@1.2.3.4>\r\n" +
            "o: message-summary;id=7\r\n" +
            "u: message-summary, presence\r\n" +
            "k: path\r\n" +
            "s: hello\r\n" +
            "e: gzip\r\n" +
            "c: text/plain\r\n" +
            "l: 2\r\n" +
            "\r\nhi";
        using var m = Parse(text);
        Assert.Equal("ft", m.FromTag);
        Assert.Equal("tt", m.ToTag);
        Assert.Equal("cid", m.CallId);
        Assert.True(m.TryGetEvent(out var evt));
        Assert.Equal("7", evt!.Id);
        Assert.Equal(["message-summary", "presence"], m.GetList(SipHeaderId.AllowEvents));
        Assert.Equal(["path"], m.GetList(SipHeaderId.Supported));
        Assert.Equal("hello", m.GetHeader(SipHeaderId.Subject));
        Assert.Equal("gzip", m.GetHeader(SipHeaderId.ContentEncoding));
        Assert.Equal("text/plain", m.ContentType);
        Assert.Equal(2, m.ContentLength);
        Assert.True(m.TryGetContacts(out var c));
        Assert.Single(c);
        Assert.Equal("hi", Encoding.UTF8.GetString(m.Body.Span));
    }

    [Fact]
    public void TryParse_HeaderNamesCaseInsensitive()
    {
        using var m = Parse(SipSamples.Options.Replace("Call-ID:", "call-id:", StringComparison.Ordinal).Replace("CSeq:", "CSEQ:", StringComparison.Ordinal));
        Assert.Equal("opt-1", m.CallId);
        Assert.Equal(1, m.CSeq.Number);
    }

    [Fact]
    public void TryParse_FoldedHeader_Unfolded()
    {
        var text = SipSamples.Subscribe.Replace("Supported: replaces, timer\r\n", "Supported: replaces,\r\n   timer\r\n", StringComparison.Ordinal)
            .Replace("Call-ID: a84b4c76e66710@192.0.2.10\r\n", "Call-ID:\r\n\ta84b4c76e66710@192.0.2.10\r\n", StringComparison.Ordinal);
        using var m = Parse(text);
        Assert.Equal(["replaces", "timer"], m.GetList(SipHeaderId.Supported));
        Assert.Equal("a84b4c76e66710@192.0.2.10", m.CallId);
    }

    [Fact]
    public void TryParse_MultipleViaCommaSeparated_AllEntries()
    {
        var text = SipSamples.Options.Replace("Via: SIP/2.0/UDP 192.0.2.20:5070;branch=z9hG4bKopt1\r\n",
            "Via: SIP/2.0/UDP 192.0.2.20:5070;branch=z9hG4bKopt1, SIP/2.0/TCP proxy.example.com;branch=z9hG4bK2\r\nVia: SIP/2.0/TLS [::1]:5061;branch=z9hG4bK3;received=::1\r\n",
            StringComparison.Ordinal);
        using var m = Parse(text);
        Assert.Equal(3, m.ViaCount);
        Assert.True(m.TryGetVias(out var vias));
        Assert.Equal(["UDP", "TCP", "TLS"], vias.Select(v => v.Transport));
        Assert.Equal("proxy.example.com", vias[1].Host);
        Assert.Equal(0, vias[1].Port);
        Assert.Equal("::1", vias[2].Host);
        Assert.Equal("z9hG4bK3", vias[2].Branch);
        Assert.Equal("z9hG4bKopt1", m.TopVia.Branch);
    }

    [Fact]
    public void TryParse_UnknownHeaders_KeptInOrder()
    {
        var text = SipSamples.Options.Replace("Accept:", "X-Custom: one\r\nX-Other:two\r\nX-Custom: three\r\nAccept:", StringComparison.Ordinal);
        using var m = Parse(text);
        var unknown = m.GetUnknownHeaders();
        Assert.Equal(3, unknown.Count);
        Assert.Equal(new KeyValuePair<string, string>("X-Other", "two"), unknown[1]);
        Assert.Equal(["one", "three"], m.GetHeaders("x-custom"));
        Assert.Equal("opt-1", m.GetHeader("i"));
    }

    [Fact]
    public void TryParse_Response_StatusReasonAndCSeqMethod()
    {
        const string text = "SIP/2.0 404 Not Found Here\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKx\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: c\r\nCSeq: 9 SUBSCRIBE\r\nContent-Length: 0\r\n\r\n";
        using var m = Parse(text);
        Assert.True(m.IsResponse);
        Assert.Equal(404, m.StatusCode);
        Assert.Equal("Not Found Here", m.ReasonPhrase);
        Assert.Equal(SipMethod.Subscribe, m.Method);
    }

    [Fact]
    public void TryParse_ResponseWithoutFromTag_Accepted()
    {
        const string text = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKx\r\nFrom: <sip:a@b>\r\nTo: <sip:c@d>\r\nCall-ID: c\r\nCSeq: 9 OPTIONS\r\n\r\n";
        using var m = Parse(text);
        Assert.Null(m.FromTag);
    }

    [Fact]
    public void TryParse_UnknownMethod_KeepsText()
    {
        using var m = Parse(SipSamples.Options.Replace("OPTIONS", "FOOBAR", StringComparison.Ordinal));
        Assert.Equal(SipMethod.Unknown, m.Method);
        Assert.Equal("FOOBAR", m.MethodText);
    }

    [Fact]
    public void TryParse_LeadingCrlf_Skipped()
    {
        using var m = Parse("\r\n\r\n" + SipSamples.Options);
        Assert.Equal(SipMethod.Options, m.Method);
    }

    [Fact]
    public void TryParse_BodyLongerThanContentLength_Truncated()
    {
        using var m = Parse(SipSamples.Options.Replace("Content-Length: 0", "Content-Length: 3", StringComparison.Ordinal) + "abcdef");
        Assert.Equal("abc", Encoding.UTF8.GetString(m.Body.Span));
    }

    [Fact]
    public void TryParse_NoContentLength_BodyIsRestOfDatagram()
    {
        using var m = Parse(SipSamples.Options.Replace("Content-Length: 0\r\n", string.Empty, StringComparison.Ordinal) + "xyz");
        Assert.Equal("xyz", Encoding.UTF8.GetString(m.Body.Span));
        Assert.Null(m.ContentLength);
    }

    [Theory]
    [InlineData("Call-ID: opt-1\r\n", "", SipParseErrorReason.MissingCallId, "Missing Call-ID")]
    [InlineData("CSeq: 1 OPTIONS\r\n", "CSeq: x OPTIONS\r\n", SipParseErrorReason.MalformedCSeq, "Malformed CSeq")]
    [InlineData("CSeq: 1 OPTIONS\r\n", "CSeq: 99999999999 OPTIONS\r\n", SipParseErrorReason.MalformedCSeq, "Malformed CSeq")]
    [InlineData("CSeq: 1 OPTIONS\r\n", "", SipParseErrorReason.MissingCSeq, "Missing CSeq")]
    [InlineData("CSeq: 1 OPTIONS\r\n", "CSeq: 1 INVITE\r\n", SipParseErrorReason.CSeqMethodMismatch, "CSeq Method Mismatch")]
    [InlineData("Content-Length: 0\r\n", "Content-Length: 10\r\n", SipParseErrorReason.ContentLengthMismatch, "Content-Length Mismatch")]
    [InlineData("Content-Length: 0\r\n", "Content-Length: -1\r\n", SipParseErrorReason.MalformedContentLength, "Malformed Content-Length")]
    [InlineData("Max-Forwards: 70\r\n", "Max-Forwards: 256\r\n", SipParseErrorReason.MalformedMaxForwards, "Malformed Max-Forwards")]
    [InlineData("From: <sip:monitor@192.0.2.20>;tag=opt1\r\n", "", SipParseErrorReason.MissingFrom, "Missing From")]
    [InlineData("To: <sip:pbx.example.com>\r\n", "To: <sip:pbx.example.com\r\n", SipParseErrorReason.MalformedTo, "Malformed To")]
    [InlineData("To: <sip:pbx.example.com>\r\n", "", SipParseErrorReason.MissingTo, "Missing To")]
    [InlineData("SIP/2.0/UDP 192", "SIP/2.0 192", SipParseErrorReason.MalformedVia, "Malformed Via")]
    [InlineData("Accept: application/sdp\r\n", "Contact: sip:m@192.0.2.20?Route=%3Csip:x.example.com%3E\r\n", SipParseErrorReason.MalformedContact, "Malformed Contact")]
    [InlineData("OPTIONS sip:pbx.example.com SIP/2.0", "OPTIONS sip:pbx.example.com?Route=%3Csip:x.example.com%3E SIP/2.0", SipParseErrorReason.MalformedRequestUri, "Malformed Request-URI")]
    [InlineData("OPTIONS sip:pbx.example.com SIP/2.0", "OPTIONS sip:pbx.example.com SIP/2.0  ", SipParseErrorReason.MalformedStartLine, "Malformed Start Line")]
    [InlineData(";branch=z9hG4bKopt1", ";branch=z9hG4bKopt1;;,;,,", SipParseErrorReason.MalformedVia, "Malformed Via")]
    [InlineData("OPTIONS sip:pbx.example.com SIP/2.0", "OPTIONS <sip:pbx.example.com> SIP/2.0", SipParseErrorReason.MalformedRequestUri, "Malformed Request-URI")]
    [InlineData("Via: SIP/2.0/UDP 192.0.2.20:5070;branch=z9hG4bKopt1\r\n", "", SipParseErrorReason.MissingVia, "Missing Via")]
    [InlineData("OPTIONS sip:pbx.example.com SIP/2.0", "OPTIONS sip:pbx.example.com SIP/3.0", SipParseErrorReason.UnsupportedVersion, "Unsupported SIP Version")]
    [InlineData("OPTIONS sip:pbx.example.com SIP/2.0", "OPTIONS pbx.example.com SIP/2.0", SipParseErrorReason.MalformedRequestUri, "Malformed Request-URI")]
    [InlineData("Accept: application/sdp\r\n", "Expires: soon\r\n", SipParseErrorReason.MalformedExpires, "Malformed Expires")]
    [InlineData("Accept: application/sdp\r\n", "Event: <bad>\r\n", SipParseErrorReason.MalformedEvent, "Malformed Event")]
    [InlineData("Accept: application/sdp\r\n", "Content-Type: nonsense\r\n", SipParseErrorReason.MalformedContentType, "Malformed Content-Type")]
    [InlineData("Accept: application/sdp\r\n", "Bogus header line\r\n", SipParseErrorReason.HeaderMissingColon, "Bad Header: Missing Colon")]
    [InlineData("Accept: application/sdp\r\n", "Bad Name: x\r\n", SipParseErrorReason.MalformedHeader, "Malformed Header Line")]
    [InlineData("Accept: application/sdp\r\n", ": no name\r\n", SipParseErrorReason.MalformedHeader, "Malformed Header Line")]
    [InlineData("SIP/2.0\r\n", "SIP/2.0\r\n folded-onto-start-line: x\r\n", SipParseErrorReason.MalformedHeader, "Malformed Header Line")]
    public void TryParse_InvalidRequest_NamedError(string find, string replace, SipParseErrorReason reason, string phrase)
    {
        var error = Fail(SipSamples.Options.Replace(find, replace, StringComparison.Ordinal));
        Assert.Equal(reason, error.Reason);
        Assert.Equal(phrase, error.ReasonPhrase);
    }

    [Fact]
    public void TryParse_UnsupportedVersion_Is505AndAnswerable()
    {
        var ok = SipMessageParser.TryParse(SipSamples.Bytes(SipSamples.Options.Replace("SIP/2.0\r\n", "SIP/3.0\r\n", StringComparison.Ordinal)),
            SipLimits.Default, out var m, out var error);
        Assert.False(ok);
        Assert.Equal(505, error.StatusCode);
        Assert.True(m!.CanBuildResponse);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\r\n\r\n")]
    [InlineData("GARBAGE\r\n\r\n")]
    [InlineData("OPTIONS\r\n\r\n")]
    [InlineData("SIP/2.0 2x0 OK\r\n\r\n")]
    [InlineData("OPTIONS sip:a@b SIP/2.0\r\nVia: x\r\n")]
    public void TryParse_Structural_NoMessage(string text) => Fail(text, expectMessage: false);

    [Fact]
    public void TryParse_HeaderLineWithoutColon_AnswerableRequestWith400()
    {
        var text = SipSamples.Options.Replace("Max-Forwards: 70\r\n", "Max-Forwards: 70\r\nBogus header line\r\n", StringComparison.Ordinal);
        var ok = SipMessageParser.TryParse(SipSamples.Bytes(text), SipLimits.Default, out var m, out var error);
        using (m)
        {
            Assert.False(ok);
            Assert.Equal(SipParseErrorReason.HeaderMissingColon, error.Reason);
            Assert.Equal(400, error.StatusCode);
            Assert.Equal("Bad Header: Missing Colon", error.ReasonPhrase);
            Assert.Equal(text.IndexOf("Bogus", StringComparison.Ordinal), error.Offset);
            Assert.NotNull(m);
            Assert.True(m.IsRequest);
            Assert.True(m.CanBuildResponse);

            // The bad line is skipped, the headers around it are kept.
            Assert.Equal("opt-1", m.CallId);
            Assert.Equal(70, m.MaxForwards);
            Assert.Empty(m.GetUnknownHeaders());
            m.ApplyReceived(new IPEndPoint(IPAddress.Loopback, 5070));
            var bytes = SipMessageBuilder.ResponseTo(m, error.StatusCode, error.ReasonPhrase, "t1").ToArray();
            Assert.True(SipMessageParser.TryParse(bytes, SipLimits.Default, out var response, out var responseError), responseError.ToString());
            using var answer = response!;
            Assert.Equal(400, answer.StatusCode);
            Assert.Equal("Bad Header: Missing Colon", answer.ReasonPhrase);
            Assert.Equal("opt-1", answer.CallId);
        }
    }

    [Fact]
    public void TryParse_HeaderLineWithoutColonAfterLeadingCrlf_OffsetCountsSkippedBytes()
    {
        var text = SipSamples.Options.Replace("Accept: application/sdp\r\n", "Bogus\r\n", StringComparison.Ordinal);
        var error = Fail("\r\n\r\n" + text);
        Assert.Equal(SipParseErrorReason.HeaderMissingColon, error.Reason);
        Assert.Equal(4 + text.IndexOf("Bogus", StringComparison.Ordinal), error.Offset);
    }

    [Fact]
    public void TryParse_HeaderLineWithoutColonAndNoEssentials_NotAnswerable()
    {
        var ok = SipMessageParser.TryParse(SipSamples.Bytes("OPTIONS sip:a@b SIP/2.0\r\nNoColonHere\r\n\r\n"), SipLimits.Default, out var m, out var error);
        using (m)
        {
            Assert.False(ok);
            Assert.Equal(SipParseErrorReason.HeaderMissingColon, error.Reason);
            Assert.False(m!.CanBuildResponse);
        }
    }

    [Fact]
    public void TryParse_HeaderLineWithoutColonAndMissingCallId_FirstProblemReported()
    {
        var text = SipSamples.Options.Replace("Call-ID: opt-1\r\n", "Call-ID opt-1\r\n", StringComparison.Ordinal);
        Assert.Equal(SipParseErrorReason.HeaderMissingColon, Fail(text).Reason);
    }

    [Fact]
    public void TryParse_UnsupportedVersionAndHeaderWithoutColon_VersionWins()
    {
        var text = SipSamples.Options.Replace("SIP/2.0\r\n", "SIP/3.0\r\nBogus\r\n", StringComparison.Ordinal);
        Assert.Equal(505, Fail(text).StatusCode);
    }

    [Fact]
    public void TryParse_ResponseWithHeaderLineWithoutColon_RejectedLikeOtherInvalidResponses()
    {
        const string response =
            "SIP/2.0 200 OK\r\n" +
            "Via: SIP/2.0/UDP 192.0.2.20:5070;branch=z9hG4bKopt1\r\n" +
            "From: <sip:monitor@192.0.2.20>;tag=opt1\r\n" +
            "To: <sip:pbx.example.com>;tag=x\r\n" +
            "Call-ID: opt-1\r\n" +
            "CSeq: 1 OPTIONS\r\n" +
            "Bogus header line\r\n" +
            "Content-Length: 0\r\n" +
            "\r\n";
        Assert.Equal(SipParseErrorReason.HeaderMissingColon, Fail(response).Reason);
    }

    [Fact]
    public void TryParse_TooManyHeaders_Rejected()
    {
        var sb = new StringBuilder(SipSamples.Options[..^2]);
        for (var i = 0; i < 100; i++)
        {
            sb.Append("X-H").Append(i).Append(": v\r\n");
        }

        Assert.Equal(SipParseErrorReason.TooManyHeaders, Fail(sb.Append("\r\n").ToString(), expectMessage: false).Reason);
    }

    [Fact]
    public void TryParse_LimitsExceeded_Named()
    {
        var limits = SipLimits.Default with { MaxBodyBytes = 4, MaxViaEntries = 1, MaxStartLineBytes = 20 };
        var body = SipSamples.Options.Replace("Content-Length: 0", "Content-Length: 5", StringComparison.Ordinal) + "12345";
        Assert.False(SipMessageParser.TryParse(SipSamples.Bytes(body), limits with { MaxStartLineBytes = 4096 }, out _, out var e1));
        Assert.Equal(SipParseErrorReason.BodyTooLarge, e1.Reason);
        Assert.Equal(513, e1.StatusCode);
        Assert.False(SipMessageParser.TryParse(SipSamples.Bytes(SipSamples.Options), limits, out _, out var e2));
        Assert.Equal(SipParseErrorReason.StartLineTooLong, e2.Reason);
        var twoVias = SipSamples.Options.Replace("Max-Forwards", "Via: SIP/2.0/UDP x;branch=z9hG4bKb\r\nMax-Forwards", StringComparison.Ordinal);
        Assert.False(SipMessageParser.TryParse(SipSamples.Bytes(twoVias), limits with { MaxStartLineBytes = 4096 }, out _, out var e3));
        Assert.Equal(SipParseErrorReason.TooManyVias, e3.Reason);
        var big = new string('a', 17 * 1024);
        Assert.False(SipMessageParser.TryParse(SipSamples.Bytes("OPTIONS sip:a@b SIP/2.0\r\nX: " + big + "\r\n\r\n"), SipLimits.Default, out _, out var e4));
        Assert.Equal(SipParseErrorReason.HeaderSectionTooLarge, e4.Reason);
    }

    [Theory]
    [InlineData(nameof(SipSamples.Subscribe))]
    [InlineData(nameof(SipSamples.Notify))]
    [InlineData(nameof(SipSamples.Register))]
    [InlineData(nameof(SipSamples.Options))]
    public void TryParse_EveryProperPrefix_RejectedWithoutThrowing(string sample)
    {
        var text = sample switch
        {
            nameof(SipSamples.Subscribe) => SipSamples.Subscribe,
            nameof(SipSamples.Notify) => SipSamples.Notify,
            nameof(SipSamples.Register) => SipSamples.Register,
            _ => SipSamples.Options,
        };
        var bytes = SipSamples.Bytes(text);
        for (var n = 0; n < bytes.Length; n++)
        {
            var ok = SipMessageParser.TryParse(bytes.AsSpan(0, n), SipLimits.Default, out var m, out var error);
            Assert.False(ok, $"prefix {n} accepted");
            Assert.True(error.IsError);
            m?.Dispose();
        }

        Assert.True(SipMessageParser.TryParse(bytes, SipLimits.Default, out var full, out _));
        full!.Dispose();
    }

    [Fact]
    public void ApplyReceived_RportRequested_FillsReceivedAndRport()
    {
        using var m = Parse(SipSamples.Subscribe);
        m.ApplyReceived(new IPEndPoint(IPAddress.Parse("203.0.113.5"), 40123));
        Assert.Equal("203.0.113.5", m.TopViaReceived);
        Assert.Equal(40123, m.TopViaRport);
        var response = SipMessageBuilder.ResponseTo(m, 200).ToString();
        Assert.Contains("Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;received=203.0.113.5;rport=40123\r\n", response, StringComparison.Ordinal);
    }

    [Fact]
    public void ApplyReceived_SameHostNoRport_NoReceived()
    {
        using var m = Parse(SipSamples.Options);
        m.ApplyReceived(new IPEndPoint(IPAddress.Parse("192.0.2.20"), 5070));
        Assert.Null(m.TopViaReceived);
        m.ApplyReceived(new IPEndPoint(IPAddress.Parse("192.0.2.21"), 5070));
        Assert.Equal("192.0.2.21", m.TopViaReceived);
        Assert.Equal(0, m.TopViaRport);
    }

    [Fact]
    public void TryParse_Allocation_OnlyTheMessageObject()
    {
        var bytes = SipSamples.Bytes(SipSamples.Subscribe);
        for (var i = 0; i < 10; i++)
        {
            SipMessageParser.TryParse(bytes, SipLimits.Default, out var warm, out _);
            warm!.Dispose();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        SipMessageParser.TryParse(bytes, SipLimits.Default, out var m, out _);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        m!.Dispose();
        Assert.True(allocated <= 512, $"allocated {allocated} bytes");
    }

    [Fact]
    public void TryParse_PublishAndChallenge_RawAuthAndETagHeaders()
    {
        const string publish =
            "PUBLISH sip:1000@pbx.example.com SIP/2.0\r\n" +
            "Via: SIP/2.0/UDP peer.example.net;branch=z9hG4bKpub\r\n" +
            "Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\n" +
            "Route: <sip:pbx.example.com;lr>\r\n" +
            "From: <sip:peer@example.net>;tag=p\r\n" +
            "To: <sip:1000@pbx.example.com>\r\n" +
            "Call-ID: pub-1\r\n" +
            "CSeq: 3 PUBLISH\r\n" +
            "SIP-If-Match: dx200xyz\r\n" +
            "Proxy-Authorization: Digest username=\"peer\", realm=\"x\"\r\n" +
            "Event: message-summary\r\n" +
            "Expires: 3600\r\n" +
            "Content-Length: 0\r\n\r\n";
        using var m = Parse(publish);
        Assert.Equal("dx200xyz", m.SipIfMatch);
        Assert.True(m.TryGetAddressList(SipHeaderId.RecordRoute, out var rr));
        Assert.Equal(["p1.example.com", "p2.example.com"], rr.Select(a => a.Uri.Host));
        Assert.True(m.TryGetAddressList(SipHeaderId.Route, out var route));
        Assert.Single(route);
        Assert.Equal("Digest username=\"peer\", realm=\"x\"", m.GetHeader(SipHeaderId.ProxyAuthorization));

        const string challenge =
            "SIP/2.0 401 Unauthorized\r\n" +
            "Via: SIP/2.0/UDP h;branch=z9hG4bKx\r\n" +
            "From: <sip:a@b>;tag=1\r\nTo: <sip:a@b>;tag=2\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\n" +
            "WWW-Authenticate: Digest realm=\"pbx\", nonce=\"n1\", algorithm=MD5, qop=\"auth\"\r\n" +
            "SIP-ETag: e1\r\n" +
            "Content-Length: 0\r\n\r\n";
        using var r = Parse(challenge);
        Assert.Equal("Digest realm=\"pbx\", nonce=\"n1\", algorithm=MD5, qop=\"auth\"", r.GetHeader(SipHeaderId.WwwAuthenticate));
        Assert.Equal("e1", r.SipETag);
    }

    [Fact]
    public void TryParse_ContactWildcardAndMinExpires()
    {
        using var m = Parse(SipSamples.Register.Replace("Contact: <sip:1001@[2001:db8::10]:5062;transport=tcp>;expires=600;q=0.7, <sip:1001@198.51.100.7>", "Contact: *", StringComparison.Ordinal)
            .Replace("Expires: 7200", "Expires: 0\r\nMin-Expires: 60", StringComparison.Ordinal));
        Assert.True(m.TryGetContacts(out var contacts));
        Assert.True(Assert.Single(contacts).IsWildcard);
        Assert.True(m.TryGetMinExpires(out var min));
        Assert.Equal(60, min);
    }
}
