using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Lantern.Sip.Messages;

namespace Lantern.Sip.Tests.Messages;

public sealed class SipMessagePropertyTests
{
    private static readonly Gen<string> Token =
        Gen.Elements("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~".ToCharArray())
            .ArrayOf().Where(a => a.Length is > 0 and < 24).Select(a => new string(a));

    private static readonly Gen<string> HostName =
        Gen.Elements("abcdefghijklmnopqrstuvwxyz0123456789".ToCharArray()).ArrayOf().Where(a => a.Length is > 0 and < 16)
            .Select(a => new string(a) + ".example");

    private static readonly Gen<string> HeaderValue =
        Gen.Elements("abcdefghijklmnopqrstuvwxyz0123456789 ,;=<>\"@:/.-".ToCharArray()).ArrayOf()
            .Select(a => new string(a).Trim()).Where(s => s.Length > 0);

    private static readonly Gen<SipMethod> Methods =
        Gen.Elements(SipMethod.Subscribe, SipMethod.Notify, SipMethod.Register, SipMethod.Options, SipMethod.Publish, SipMethod.Message);

    private sealed record Sample(SipMethod Method, string User, string Host, string FromTag, string CallId, long CSeq, int MaxForwards,
        (string Name, string Value)[] Extra, byte[] Body);

    private static Gen<Sample> Samples =>
        from method in Methods
        from user in Token.Where(t => !t.Contains('%', StringComparison.Ordinal))
        from host in HostName
        from tag in Token
        from callId in Token
        from cseq in Gen.Choose(0, int.MaxValue)
        from mf in Gen.Choose(0, 255)
        from extra in Gen.Zip(Token.Select(t => "X-" + t), HeaderValue).Select(p => (p.Item1, p.Item2)).ArrayOf().Where(a => a.Length < 20)
        from body in ArbMap.Default.GeneratorFor<byte[]>()
        select new Sample(method, user, host, tag, callId, cseq, mf, extra, body);

    [Property(MaxTest = 300)]
    public Property WriterThenParser_RoundTrips() => Prop.ForAll(Samples.ToArbitrary(), s =>
    {
        var text = SipMethods.ToText(s.Method);
        var b = SipMessageBuilder.Request(s.Method, $"sip:{s.User}@{s.Host}")
            .AddHeader(SipHeaderId.Via, SipVia.Format("UDP", s.Host, 5060, "z9hG4bK" + s.FromTag))
            .AddHeader(SipHeaderId.MaxForwards, s.MaxForwards.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .AddHeader(SipHeaderId.From, $"<sip:{s.User}@{s.Host}>;tag={s.FromTag}")
            .AddHeader(SipHeaderId.To, $"<sip:{s.User}@{s.Host}>")
            .AddHeader(SipHeaderId.CallId, s.CallId)
            .AddHeader(SipHeaderId.CSeq, $"{s.CSeq} {text}");
        foreach (var (name, value) in s.Extra)
        {
            b.AddHeader(name, value);
        }

        b.SetBody(s.Body, "application/octet-stream");
        var bytes = b.ToArray();
        var ok = SipMessageParser.TryParse(bytes, SipLimits.Default, out var m, out var error);
        using (m)
        {
            return ok && m!.Method == s.Method && m.CallId == s.CallId && m.FromTag == s.FromTag && m.CSeq.Number == s.CSeq
                && m.MaxForwards == s.MaxForwards && m.TopViaBranch == "z9hG4bK" + s.FromTag && m.RequestUri!.User == s.User
                && m.RequestUri.Host == s.Host && m.Body.Span.SequenceEqual(s.Body) && SameExtras(m, s.Extra);
        }
    });

    private static bool SameExtras(SipMessage m, (string Name, string Value)[] extra)
    {
        var unknown = m.GetUnknownHeaders();
        if (unknown.Count != extra.Length)
        {
            return false;
        }

        for (var i = 0; i < extra.Length; i++)
        {
            if (unknown[i].Key != extra[i].Name || unknown[i].Value != extra[i].Value)
            {
                return false;
            }
        }

        return true;
    }

    private static readonly Gen<string> NoColonLine =
        Gen.Elements("abcdefghijklmnopqrstuvwxyz0123456789 ,;=<>\"@/.-\t".ToCharArray()).ArrayOf()
            .Select(a => new string(a).TrimEnd()).Where(s => s.Length > 0 && s[0] is not (' ' or '\t'));

    [Property(MaxTest = 300)]
    public Property HeaderLineWithoutColon_AnywhereInTheHeaders_AnswerableWith400() => Prop.ForAll(
        (from sample in Gen.Elements(SipSamples.Subscribe, SipSamples.Notify, SipSamples.Register, SipSamples.Options)
         from position in Gen.Choose(0, 100)
         from line in NoColonLine
         select (sample, position, line)).ToArbitrary(),
        input =>
        {
            var (text, at, junk) = input;
            var lines = text[..text.IndexOf("\r\n\r\n", StringComparison.Ordinal)].Split("\r\n");
            var after = 1 + (at % (lines.Length - 1));
            var broken = string.Join("\r\n", lines.Take(after).Append(junk).Concat(lines.Skip(after))) + text[text.IndexOf("\r\n\r\n", StringComparison.Ordinal)..];
            var ok = SipMessageParser.TryParse(Encoding.UTF8.GetBytes(broken), SipLimits.Default, out var m, out var error);
            SipMessageParser.TryParse(Encoding.UTF8.GetBytes(text), SipLimits.Default, out var original, out _);
            using (m)
            using (original)
            {
                return !ok && error.Reason == SipParseErrorReason.HeaderMissingColon && error.StatusCode == 400 && m!.CanBuildResponse
                    && m.CallId == original!.CallId && m.CSeq.Number == original.CSeq.Number && m.TopViaBranch == original.TopViaBranch
                    && m.GetUnknownHeaders().Count == original.GetUnknownHeaders().Count;
            }
        });

    [Property(MaxTest = 1000)]
    public void ArbitraryBytes_NeverThrow(byte[] data)
    {
        if (SipMessageParser.TryParse(data, SipLimits.Default, out var m, out _) || m is not null)
        {
            Exercise(m!);
        }
    }

    [Property(MaxTest = 2000)]
    public Property MutatedValidMessage_NeverThrows() =>
        Prop.ForAll(
            Gen.Elements(SipSamples.Subscribe, SipSamples.Notify, SipSamples.Register, SipSamples.Options)
                .SelectMany(_ => Gen.Zip(Gen.Choose(0, 5000), Gen.Choose(0, 255)).ArrayOf(), (text, edits) => (text, edits))
                .ToArbitrary(),
            input =>
            {
                var bytes = new List<byte>(Encoding.UTF8.GetBytes(input.text));
                foreach (var (pos, value) in input.edits)
                {
                    var at = pos % (bytes.Count + 1);
                    switch (value % 3)
                    {
                        case 0 when at < bytes.Count: bytes[at] = (byte)value; break;
                        case 1: bytes.Insert(at, (byte)"\r\n:;,<>\"@ \t\\%["[value % 15]); break;
                        default: if (at < bytes.Count) { bytes.RemoveAt(at); } break;
                    }
                }

                if (SipMessageParser.TryParse(bytes.ToArray(), SipLimits.Default, out var m, out _) || m is not null)
                {
                    Exercise(m!);
                }
            });

    private static void Exercise(SipMessage m)
    {
        using (m)
        {
            _ = m.MethodText;
            _ = m.RequestUri;
            _ = m.CallId;
            _ = m.FromTag;
            _ = m.ToTag;
            _ = m.CSeq;
            _ = m.TopViaBranch;
            _ = m.TopViaHost;
            _ = m.TryGetVias(out _);
            _ = m.TryGetFrom(out _);
            _ = m.TryGetTo(out _);
            _ = m.TryGetContacts(out _);
            _ = m.TryGetEvent(out _);
            _ = m.TryGetExpires(out _);
            _ = m.TryGetSubscriptionState(out _);
            _ = m.TryGetAddressList(SipHeaderId.Route, out _);
            _ = m.GetList(SipHeaderId.Require);
            _ = m.GetUnknownHeaders();
            if (m.CanBuildResponse)
            {
                m.ApplyReceived(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 5060));
                _ = SipMessageBuilder.ResponseTo(m, 400, "Bad", "t").ToArray();
            }
        }
    }
}
