using System.Buffers;
using System.Text;
using Lantern.Sip.Messages;

namespace Lantern.Sip.Tests.Messages;

public sealed class SipMessageWriterTests
{
    [Fact]
    public void Write_Request_ContentLengthIsBodyByteCount()
    {
        var b = SipMessageBuilder.Request(SipMethod.Notify, "sip:1000@192.0.2.10")
            .AddHeader(SipHeaderId.Via, "SIP/2.0/UDP 198.51.100.1:5060;branch=z9hG4bKa")
            .AddHeader(SipHeaderId.From, "<sip:a@b>;tag=1")
            .AddHeader(SipHeaderId.To, "<sip:c@d>")
            .AddHeader(SipHeaderId.CallId, "x")
            .AddHeader(SipHeaderId.CSeq, "1 NOTIFY")
            .AddHeader(SipHeaderId.ContentLength, "999")
            .SetBody("Messages-Waiting: yes\r\nÜ", "application/simple-message-summary");
        var w = new ArrayBufferWriter<byte>();
        SipMessageWriter.Write(b, w);
        var text = Encoding.UTF8.GetString(w.WrittenSpan);
        Assert.StartsWith("NOTIFY sip:1000@192.0.2.10 SIP/2.0\r\nVia: SIP/2.0/UDP", text, StringComparison.Ordinal);
        Assert.Contains("Content-Length: 25\r\n\r\nMessages-Waiting", text, StringComparison.Ordinal);
        Assert.DoesNotContain("999", text, StringComparison.Ordinal);
        Assert.True(SipMessageParser.TryParse(w.WrittenSpan, SipLimits.Default, out var m, out var e), e.ToString());
        Assert.Equal(25, m!.Body.Length);
    }

    [Fact]
    public void ResponseTo_CopiesDialogHeadersAndAddsToTag()
    {
        var text = SipSamples.Subscribe.Replace("Max-Forwards", "Via: SIP/2.0/TCP p.example.com;branch=z9hG4bKp2, SIP/2.0/UDP q;branch=z9hG4bKq\r\nMax-Forwards", StringComparison.Ordinal);
        Assert.True(SipMessageParser.TryParse(SipSamples.Bytes(text), SipLimits.Default, out var req, out _));
        var response = SipMessageBuilder.ResponseTo(req!, 202, toTag: "srv1").AddHeader(SipHeaderId.Expires, "3600").ToArray();
        Assert.True(SipMessageParser.TryParse(response, SipLimits.Default, out var resp, out var e), e.ToString());
        Assert.Equal(202, resp!.StatusCode);
        Assert.Equal("Accepted", resp.ReasonPhrase);
        Assert.Equal(3, resp.ViaCount);
        Assert.True(resp.TryGetVias(out var vias));
        Assert.Equal("z9hG4bKq", vias[2].Branch);
        Assert.Equal(req!.FromTag, resp.FromTag);
        Assert.Equal("srv1", resp.ToTag);
        Assert.Equal(req.CallId, resp.CallId);
        Assert.Equal(req.CSeq, resp.CSeq);
        Assert.True(resp.TryGetExpires(out var exp));
        Assert.Equal(3600, exp);
    }

    [Fact]
    public void ResponseTo_ExistingToTag_Kept()
    {
        Assert.True(SipMessageParser.TryParse(SipSamples.Bytes(SipSamples.Notify), SipLimits.Default, out var req, out _));
        var resp = SipMessageBuilder.ResponseTo(req!, 200, toTag: "other").ToString();
        Assert.Contains(";tag=1928301774\r\n", resp, StringComparison.Ordinal);
        Assert.DoesNotContain("other", resp, StringComparison.Ordinal);
    }

    [Fact]
    public void AddHeader_LineBreakInValue_Throws() =>
        Assert.Throws<ArgumentException>(() => SipMessageBuilder.Response(200).AddHeader("X", "a\r\nInjected: 1"));

    [Fact]
    public void SipIdentifiers_BranchHasCookieAndIsUnique()
    {
        var a = SipIdentifiers.NewBranch();
        Assert.StartsWith("z9hG4bK", a, StringComparison.Ordinal);
        Assert.NotEqual(a, SipIdentifiers.NewBranch());
        Assert.Equal(7 + 32, a.Length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Messages-Waiting: yes\r\n")]
    [InlineData("Ünïcödé body, € and 😀")]
    public void ToArray_SameBytesAsBufferWriter(string body)
    {
        var b = SipMessageBuilder.Request(SipMethod.Notify, "sip:ü@192.0.2.10")
            .AddHeader(SipHeaderId.From, "\"Jürgen\" <sip:a@b>;tag=1")
            .AddHeader(SipHeaderId.To, "<sip:c@d>")
            .AddHeader("X-Custom", "€")
            .SetBody(body, "text/plain");
        var w = new ArrayBufferWriter<byte>();
        SipMessageWriter.Write(b, w);
        Assert.Equal(w.WrittenSpan.ToArray(), b.ToArray());
        Assert.Equal(w.WrittenCount, SipMessageWriter.GetByteCount(b));
        var response = SipMessageBuilder.Response(486, "Busy Hére").AddHeader(SipHeaderId.CallId, "x");
        w.Clear();
        SipMessageWriter.Write(response, w);
        Assert.Equal(w.WrittenSpan.ToArray(), response.ToArray());
    }

    [Fact]
    public void Headers_ByIdAndName_FoundRemovedAndPrepended()
    {
        var b = SipMessageBuilder.Request(SipMethod.Notify, "sip:a@b")
            .AddHeader("f", "<sip:a@b>;tag=1")
            .AddHeader(SipHeaderId.Route, "<sip:p1>")
            .AddHeader("ROUTE", "<sip:p2>")
            .AddHeader(SipHeaderId.ContentLength, "5");
        b.PrependHeader(SipHeaderId.Via, "SIP/2.0/UDP h;branch=z9hG4bK1");
        Assert.Equal("<sip:a@b>;tag=1", b.GetHeader(SipHeaderId.From));
        Assert.Equal("<sip:p1>", b.GetHeader(SipHeaderId.Route));
        Assert.Null(b.GetHeader(SipHeaderId.ContentLength));
        Assert.Equal("Via", b.Headers[0].Key);
        b.RemoveHeader(SipHeaderId.Route);
        Assert.Null(b.GetHeader(SipHeaderId.Route));
        Assert.Equal(["Via", "f"], b.Headers.Select(h => h.Key));
        b.SetHeader(SipHeaderId.Via, "SIP/2.0/UDP h2;branch=z9hG4bK2");
        Assert.Equal("SIP/2.0/UDP h2;branch=z9hG4bK2", b.GetHeader(SipHeaderId.Via));
        Assert.Throws<ArgumentException>(() => b.AddHeader(SipHeaderId.Unknown, "x"));
    }
}
