namespace Lantern.Sip.Messages;

/// <summary>Parses one framed SIP message (a datagram, or one message cut from a stream). Never throws on wire input.</summary>
public static class SipMessageParser
{
    private const long MaxCSeq = int.MaxValue;

    /// <summary>Parses and validates at intake. Returns true with a message, or false with an error. When false and
    /// <paramref name="message"/> is not null, the message parsed structurally but failed validation: it can still be answered
    /// (see <see cref="SipMessage.CanBuildResponse"/>) with <see cref="SipParseError.StatusCode"/> and <see cref="SipParseError.ReasonPhrase"/>.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, SipLimits limits, out SipMessage? message, out SipParseError error) =>
        TryParse(data, limits, null, out message, out error);

    /// <summary>As <see cref="TryParse(ReadOnlySpan{byte}, SipLimits, out SipMessage?, out SipParseError)"/>, taking the message
    /// from <paramref name="pool"/> (when not null): its Dispose then puts it back there.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, SipLimits limits, SipMessagePool? pool, out SipMessage? message, out SipParseError error)
    {
        ArgumentNullException.ThrowIfNull(limits);
        message = null;
        var skipped = 0;
        while (skipped + 1 < data.Length && data[skipped] == (byte)'\r' && data[skipped + 1] == (byte)'\n')
        {
            skipped += 2;
        }

        data = data[skipped..];
        if (data.IsEmpty)
        {
            error = new SipParseError(SipParseErrorReason.Empty, skipped);
            return false;
        }

        var headerEnd = data.IndexOf("\r\n\r\n"u8);
        if (headerEnd < 0 || headerEnd + 4 > limits.MaxHeaderSectionBytes)
        {
            var tooBig = headerEnd >= 0 || data.Length > limits.MaxHeaderSectionBytes;
            error = new SipParseError(tooBig ? SipParseErrorReason.HeaderSectionTooLarge : SipParseErrorReason.Incomplete, skipped + data.Length);
            return false;
        }

        var startLineEnd = data.IndexOf("\r\n"u8);
        if (startLineEnd > limits.MaxStartLineBytes)
        {
            error = new SipParseError(SipParseErrorReason.StartLineTooLong, skipped);
            return false;
        }

        var msg = pool is null ? new SipMessage() : pool.Rent();
        msg.Load(data, Math.Max(1, limits.MaxHeaders));
        var buffer = msg.BufferArray;
        var fatal = ParseStructure(msg, buffer.AsSpan(0, data.Length), startLineEnd, headerEnd, limits, out var first);
        if (fatal)
        {
            msg.Dispose();
            error = first with { Offset = first.Offset + skipped };
            return false;
        }

        Validate(msg, buffer.AsSpan(0, data.Length), headerEnd, limits, ref first);
        message = msg;
        error = first.IsError ? first with { Offset = first.Offset + skipped } : default;
        return !first.IsError;
    }

    /// <summary>Start line and header table. Returns true on a fatal error (no usable message); <paramref name="error"/> may also
    /// carry a non-fatal one (e.g. the version, a skipped header line) for validation to report.</summary>
    private static bool ParseStructure(SipMessage msg, Span<byte> buf, int startLineEnd, int headerEnd, SipLimits limits, out SipParseError error)
    {
        error = default;
        var line = buf[..startLineEnd];
        if (line.ContainsAny((byte)'\n', (byte)'\t', (byte)'\r'))
        {
            error = new SipParseError(SipParseErrorReason.MalformedStartLine, 0);
            return true;
        }

        if (line.StartsWith("SIP/"u8))
        {
            msg.IsRequestMessage = false;
            var sp = line.IndexOf((byte)' ');
            if (sp < 0 || line.Length < sp + 4 || !SipSyntax.TryParseNumber(line.Slice(sp + 1, 3), 999, out var code) || code < 100
                || (line.Length > sp + 4 && line[sp + 4] != (byte)' '))
            {
                error = new SipParseError(SipParseErrorReason.MalformedStartLine, 0);
                return true;
            }

            if (!line[..sp].SequenceEqual("SIP/2.0"u8))
            {
                error = new SipParseError(SipParseErrorReason.UnsupportedVersion, 0);
            }

            msg.Status = (int)code;
            msg.ReasonRange = line.Length > sp + 5 ? new ByteRange(sp + 5, line.Length - sp - 5) : new ByteRange(line.Length, 0);
        }
        else
        {
            msg.IsRequestMessage = true;
            var trimmed = line.TrimEnd((byte)' ');
            if (trimmed.Length < line.Length)
            {
                // SP after the version (RFC 4475 §3.1.2.10): invalid, but the rest of the line is clear enough to answer 400.
                error = new SipParseError(SipParseErrorReason.MalformedStartLine, trimmed.Length);
                line = trimmed;
            }

            var sp1 = line.IndexOf((byte)' ');
            var sp2 = line.LastIndexOf((byte)' ');
            if (sp1 <= 0 || sp2 <= sp1 + 1 || !SipSyntax.IsToken(line[..sp1]))
            {
                error = new SipParseError(SipParseErrorReason.MalformedStartLine, 0);
                return true;
            }

            msg.MethodRange = new ByteRange(0, sp1);
            msg.MethodValue = SipMethods.Parse(line[..sp1]);
            msg.UriRange = new ByteRange(sp1 + 1, sp2 - sp1 - 1);
            var version = line[(sp2 + 1)..];
            if (!version.SequenceEqual("SIP/2.0"u8))
            {
                if (!version.StartsWith("SIP/"u8))
                {
                    error = new SipParseError(SipParseErrorReason.MalformedStartLine, sp2 + 1);
                    return true;
                }

                error = new SipParseError(SipParseErrorReason.UnsupportedVersion, sp2 + 1);
            }

            var uri = msg.UriRange.Of(buf);
            var colon = uri.IndexOf((byte)':');
            // A URI scheme starts with a letter: this also refuses <> around the Request-URI (RFC 4475 §3.1.2.7).
            // Headers (?...) are not allowed in a SIP Request-URI (RFC 3261 §19.1.1, RFC 4475 §3.1.2.11).
            if (!error.IsError && (colon <= 0 || !char.IsAsciiLetter((char)uri[0]) || uri.IndexOfAny(SipSyntax.Blank) >= 0
                || (IsSipScheme(uri[..colon]) && (HasUriHeaders(uri, colon) || !HasValidHostPort(uri, colon)))))
            {
                error = new SipParseError(SipParseErrorReason.MalformedRequestUri, sp1 + 1);
            }
        }

        var table = msg.HeaderTable;
        var count = 0;
        var pos = startLineEnd + 2;
        var sectionEnd = headerEnd + 2;
        while (pos < sectionEnd)
        {
            var lineEnd = pos + buf[pos..sectionEnd].IndexOf("\r\n"u8);
            if (buf[pos] is (byte)' ' or (byte)'\t')
            {
                // Only possible right after the start line (later continuations are unfolded below): the line folds onto
                // nothing, so it is skipped and reported, and the request can still be answered.
                Fail(ref error, SipParseErrorReason.MalformedHeader, pos);
                pos = lineEnd + 2;
                continue;
            }

            // Folding (RFC 3261 §7.3.1): a CRLF followed by whitespace is LWS, so it becomes spaces in our private copy.
            while (lineEnd < headerEnd && buf[lineEnd + 2] is (byte)' ' or (byte)'\t')
            {
                buf[lineEnd] = (byte)' ';
                buf[lineEnd + 1] = (byte)' ';
                lineEnd = lineEnd + 2 + buf[(lineEnd + 2)..sectionEnd].IndexOf("\r\n"u8);
            }

            // A broken header line is skipped, not fatal: the rest of the message may still carry what is needed to answer
            // it with a 400 naming the problem instead of dropping it silently. The first error found is the one reported.
            var headerLine = buf[pos..lineEnd];
            var colon = headerLine.IndexOf((byte)':');
            if (colon < 0)
            {
                Fail(ref error, SipParseErrorReason.HeaderMissingColon, pos);
                pos = lineEnd + 2;
                continue;
            }

            var name = SipSyntax.Trim(buf, pos, colon);
            if (colon == 0 || headerLine.ContainsAny((byte)'\r', (byte)'\n') || name.Start != pos || !SipSyntax.IsToken(name.Of(buf)))
            {
                Fail(ref error, SipParseErrorReason.MalformedHeader, pos);
                pos = lineEnd + 2;
                continue;
            }

            if (count == table.Length || count >= limits.MaxHeaders)
            {
                error = new SipParseError(SipParseErrorReason.TooManyHeaders, pos);
                return true;
            }

            var value = SipSyntax.Trim(buf, pos + colon + 1, lineEnd - pos - colon - 1);
            table[count++] = new SipHeaderEntry(SipHeaderNames.Lookup(name.Of(buf)), name, value);
            pos = lineEnd + 2;
        }

        msg.HeaderTableCount = count;
        return false;
    }

    private static void Validate(SipMessage msg, ReadOnlySpan<byte> buf, int headerEnd, SipLimits limits, ref SipParseError first)
    {
        var table = msg.HeaderTable;
        int via = -1, from = -1, to = -1, callId = -1, cseq = -1, maxForwards = -1, contentLength = -1, expires = -1, evt = -1, contentType = -1;
        var viaEntries = 0;
        SipParseError duplicate = default;
        for (var i = 0; i < msg.HeaderTableCount; i++)
        {
            switch (table[i].Id)
            {
                case SipHeaderId.Via:
                    if (via < 0)
                    {
                        via = i;
                    }

                    viaEntries += CountItems(table[i].Value.Of(buf));
                    break;
                case SipHeaderId.From: from = First(from, i, SipParseErrorReason.DuplicateFrom, table, ref duplicate); break;
                case SipHeaderId.To: to = First(to, i, SipParseErrorReason.DuplicateTo, table, ref duplicate); break;
                case SipHeaderId.CallId: callId = First(callId, i, SipParseErrorReason.DuplicateCallId, table, ref duplicate); break;
                case SipHeaderId.CSeq: cseq = First(cseq, i, SipParseErrorReason.DuplicateCSeq, table, ref duplicate); break;
                case SipHeaderId.MaxForwards: maxForwards = First(maxForwards, i, SipParseErrorReason.DuplicateMaxForwards, table, ref duplicate); break;
                case SipHeaderId.ContentLength:
                    // A repeated Content-Length is harmless only when it repeats the same value; otherwise the framing is unknown.
                    if (contentLength >= 0 && !SipSyntax.Trim(table[i].Value.Of(buf)).SequenceEqual(SipSyntax.Trim(table[contentLength].Value.Of(buf))))
                    {
                        Fail(ref duplicate, SipParseErrorReason.ConflictingContentLength, table[i].Value.Start);
                    }

                    contentLength = contentLength < 0 ? i : contentLength;
                    break;
                case SipHeaderId.Expires: expires = expires < 0 ? i : expires; break;
                case SipHeaderId.Event: evt = evt < 0 ? i : evt; break;
                case SipHeaderId.ContentType: contentType = contentType < 0 ? i : contentType; break;
                case SipHeaderId.Contact:
                    // A URI with '?' (headers) must be in name-addr form (RFC 3261 §20.10, RFC 4475 §3.1.2.13).
                    if (IsBareUriWithHeaders(table[i].Value.Of(buf)))
                    {
                        Fail(ref duplicate, SipParseErrorReason.MalformedContact, table[i].Value.Start);
                    }

                    break;
                default: break;
            }
        }

        msg.ViaEntryCount = viaEntries;
        if (duplicate.IsError)
        {
            Fail(ref first, duplicate.Reason, duplicate.Offset);
        }

        var essentials = true;
        if (via < 0)
        {
            Fail(ref first, SipParseErrorReason.MissingVia, headerEnd);
            essentials = false;
        }
        else
        {
            var v = table[via].Value;
            var comma = SipSyntax.IndexOfOutside(v.Of(buf), (byte)',');
            var entry = comma < 0 ? v : new ByteRange(v.Start, comma);
            if (!ViaRanges.TryScan(buf, entry, out var ranges))
            {
                Fail(ref first, SipParseErrorReason.MalformedVia, v.Start);
                essentials = false;
            }
            else
            {
                if (HasEmptyElement(v.Of(buf)))
                {
                    // Extraneous separators (RFC 4475 §3.1.2.1): the entry is still usable to answer with the 400.
                    Fail(ref first, SipParseErrorReason.MalformedVia, v.Start);
                }

                // No branch is an RFC 2543 client (RFC 4475 §3.4.1): answered like any other, its transaction matched by
                // Call-ID, From tag, sent-by and CSeq instead (RFC 3261 §17.2.3).
                msg.TopViaUsable = true;
            }

            msg.TopViaRanges = ranges;
            if (viaEntries > limits.MaxViaEntries)
            {
                Fail(ref first, SipParseErrorReason.TooManyVias, v.Start);
            }
        }

        essentials &= CheckAddress(msg, buf, from, headerEnd, isFrom: true, ref first);
        essentials &= CheckAddress(msg, buf, to, headerEnd, isFrom: false, ref first);
        if (callId < 0 || table[callId].Value.IsEmpty || table[callId].Value.Of(buf).IndexOfAny(SipSyntax.Blank) >= 0)
        {
            Fail(ref first, SipParseErrorReason.MissingCallId, callId < 0 ? headerEnd : table[callId].Value.Start);
            essentials = false;
        }
        else
        {
            msg.CallIdRange = table[callId].Value;
        }

        essentials &= CheckCSeq(msg, buf, cseq, headerEnd, ref first);
        msg.Essentials = essentials;

        if (maxForwards >= 0)
        {
            if (SipSyntax.TryParseNumber(table[maxForwards].Value.Of(buf), 255, out var mf))
            {
                msg.MaxForwardsValue = (int)mf;
            }
            else
            {
                Fail(ref first, SipParseErrorReason.MalformedMaxForwards, table[maxForwards].Value.Start);
            }
        }

        var bodyStart = headerEnd + 4;
        var available = buf.Length - bodyStart;
        var bodyLength = available;
        if (contentLength >= 0)
        {
            if (!SipSyntax.TryParseNumber(table[contentLength].Value.Of(buf), int.MaxValue, out var cl))
            {
                Fail(ref first, SipParseErrorReason.MalformedContentLength, table[contentLength].Value.Start);
            }
            else
            {
                msg.ContentLengthValue = cl;
                if (cl > available)
                {
                    Fail(ref first, SipParseErrorReason.ContentLengthMismatch, buf.Length);
                }
                else
                {
                    // RFC 3261 §18.3: bytes beyond Content-Length in a datagram are discarded.
                    bodyLength = (int)cl;
                }
            }
        }

        msg.BodyRange = new ByteRange(bodyStart, bodyLength);
        if (bodyLength > limits.MaxBodyBytes)
        {
            Fail(ref first, SipParseErrorReason.BodyTooLarge, bodyStart);
        }

        if (buf.Length > limits.MaxMessageBytes)
        {
            Fail(ref first, SipParseErrorReason.MessageTooLarge, 0);
        }

        if (expires >= 0 && !SipSyntax.TryParseNumber(table[expires].Value.Of(buf), uint.MaxValue, out _))
        {
            Fail(ref first, SipParseErrorReason.MalformedExpires, table[expires].Value.Start);
        }

        if (evt >= 0)
        {
            var e = table[evt].Value.Of(buf);
            var semi = e.IndexOf((byte)';');
            if (!SipSyntax.IsToken(SipSyntax.Trim(semi < 0 ? e : e[..semi])))
            {
                Fail(ref first, SipParseErrorReason.MalformedEvent, table[evt].Value.Start);
            }
        }

        if (contentType >= 0)
        {
            var ct = table[contentType].Value.Of(buf);
            var semi = ct.IndexOf((byte)';');
            var media = SipSyntax.Trim(semi < 0 ? ct : ct[..semi]);
            var slash = media.IndexOf((byte)'/');
            if (slash <= 0 || !SipSyntax.IsToken(SipSyntax.Trim(media[..slash])) || !SipSyntax.IsToken(SipSyntax.Trim(media[(slash + 1)..])))
            {
                Fail(ref first, SipParseErrorReason.MalformedContentType, table[contentType].Value.Start);
            }
        }
    }

    private static bool CheckAddress(SipMessage msg, ReadOnlySpan<byte> buf, int index, int headerEnd, bool isFrom, ref SipParseError first)
    {
        if (index < 0)
        {
            Fail(ref first, isFrom ? SipParseErrorReason.MissingFrom : SipParseErrorReason.MissingTo, headerEnd);
            return false;
        }

        var value = msg.HeaderTable[index].Value;
        var text = value.Of(buf);
        if (!SipNameAddress.TryScan(text, out _, out _, out var parameters))
        {
            Fail(ref first, isFrom ? SipParseErrorReason.MalformedFrom : SipParseErrorReason.MalformedTo, value.Start);
            return false;
        }

        ByteRange tag = default;
        if (!parameters.IsEmpty && SipSyntax.TryFindParameter(parameters.Of(text), "tag"u8, out var ts, out var tl) && tl > 0)
        {
            tag = new ByteRange(value.Start + parameters.Start + ts, tl);
        }

        if (isFrom)
        {
            msg.FromIndex = index;
            msg.FromTagRange = tag;
            // No tag is RFC 2543 (RFC 4475 §3.4.1) and valid here; a handler that needs one for a dialog answers that itself.
        }
        else
        {
            msg.ToIndex = index;
            msg.ToTagRange = tag;
        }

        return true;
    }

    private static bool CheckCSeq(SipMessage msg, ReadOnlySpan<byte> buf, int index, int headerEnd, ref SipParseError first)
    {
        if (index < 0)
        {
            Fail(ref first, SipParseErrorReason.MissingCSeq, headerEnd);
            return false;
        }

        // A malformed CSeq can still be echoed verbatim in a 400, so it does not make the request unanswerable.
        var value = msg.HeaderTable[index].Value;
        msg.CSeqIndex = index;
        var v = value.Of(buf);
        var sp = v.IndexOfAny(SipSyntax.Blank);
        if (sp <= 0 || !SipSyntax.TryParseNumber(v[..sp], MaxCSeq, out var number))
        {
            Fail(ref first, SipParseErrorReason.MalformedCSeq, value.Start);
            return !value.IsEmpty;
        }

        var method = SipSyntax.Trim(buf, value.Start + sp, value.Length - sp);
        if (!SipSyntax.IsToken(method.Of(buf)))
        {
            Fail(ref first, SipParseErrorReason.MalformedCSeq, value.Start);
            return true;
        }

        msg.CSeqNumber = number;
        msg.CSeqMethodRange = method;
        msg.CSeqMethodValue = SipMethods.Parse(method.Of(buf));
        if (msg.IsRequestMessage && !method.Of(buf).SequenceEqual(msg.MethodRange.Of(buf)))
        {
            Fail(ref first, SipParseErrorReason.CSeqMethodMismatch, value.Start);
        }

        return true;
    }

    /// <summary>The index of a single-value header's first occurrence; a second one is recorded as a duplicate (RFC 3261 §7.3).</summary>
    private static int First(int seen, int index, SipParseErrorReason reason, SipHeaderEntry[] table, ref SipParseError duplicate)
    {
        if (seen < 0)
        {
            return index;
        }

        Fail(ref duplicate, reason, table[index].Name.Start);
        return seen;
    }

    /// <summary>A '?' after the userinfo starts URI headers; in the user part it is an ordinary character.</summary>
    private static bool HasUriHeaders(ReadOnlySpan<byte> uri, int colon)
    {
        var at = uri.LastIndexOf((byte)'@');
        return uri[(at >= 0 ? at + 1 : colon + 1)..].IndexOf((byte)'?') >= 0;
    }

    /// <summary>The host and port of a SIP URI: an IPv6 address must be in [] (RFC 5118 §4.2), a port must be a number.</summary>
    private static bool HasValidHostPort(ReadOnlySpan<byte> uri, int colon)
    {
        var at = uri.LastIndexOf((byte)'@');
        var hostPort = uri[(at >= 0 ? at + 1 : colon + 1)..];
        var end = hostPort.IndexOfAny((byte)';', (byte)'?');
        return SipUri.TryScanHostPort(end < 0 ? hostPort : hostPort[..end], out _, out _, out _, out _);
    }

    private static bool IsBareUriWithHeaders(ReadOnlySpan<byte> value)
    {
        if (value.IndexOf((byte)'<') >= 0)
        {
            return false;
        }

        var semi = value.IndexOf((byte)';');
        var uri = semi < 0 ? value : value[..semi];
        var colon = uri.IndexOf((byte)':');
        return colon > 0 && HasUriHeaders(uri, colon);
    }

    private static bool IsSipScheme(ReadOnlySpan<byte> scheme) =>
        System.Text.Ascii.EqualsIgnoreCase(scheme, "sip"u8) || System.Text.Ascii.EqualsIgnoreCase(scheme, "sips"u8);

    /// <summary>True when a list value has an empty item or parameter (<c>;;</c>, <c>;,</c>, <c>,,</c>, or a trailing or
    /// leading separator) outside quoted strings.</summary>
    private static bool HasEmptyElement(ReadOnlySpan<byte> value)
    {
        byte last = (byte)',';
        var quoted = false;
        for (var i = 0; i < value.Length; i++)
        {
            var b = value[i];
            if (quoted)
            {
                if (b == (byte)'\\')
                {
                    i++;
                }
                else if (b == (byte)'"')
                {
                    quoted = false;
                }

                last = b;
                continue;
            }

            if (b is (byte)' ' or (byte)'\t')
            {
                continue;
            }

            if (b is (byte)';' or (byte)',' && last is (byte)';' or (byte)',')
            {
                return true;
            }

            quoted = b == (byte)'"';
            last = b;
        }

        return last is (byte)';' or (byte)',';
    }

    private static int CountItems(ReadOnlySpan<byte> value)
    {
        var count = 1;
        var pos = 0;
        while (true)
        {
            var comma = SipSyntax.IndexOfOutside(value[pos..], (byte)',');
            if (comma < 0)
            {
                return count;
            }

            count++;
            pos += comma + 1;
        }
    }

    private static void Fail(ref SipParseError first, SipParseErrorReason reason, int offset)
    {
        if (!first.IsError)
        {
            first = new SipParseError(reason, offset);
        }
    }
}
