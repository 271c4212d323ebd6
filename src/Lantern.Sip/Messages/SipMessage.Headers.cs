using System.Globalization;
using System.Text;

namespace Lantern.Sip.Messages;

/// <summary>On-demand header accessors.</summary>
public sealed partial class SipMessage
{
    public int HeaderCount => HeaderTableCount;

    public SipHeaderId GetHeaderId(int index) => Entry(index).Id;

    public ReadOnlySpan<byte> GetHeaderName(int index) => Entry(index).Name.Of(Span);

    public ReadOnlySpan<byte> GetHeaderValue(int index) => Entry(index).Value.Of(Span);

    /// <summary>True when at least one header with this id is present.</summary>
    public bool HasHeader(SipHeaderId id) => IndexOf(id, 0) >= 0;

    /// <summary>The first value of a header as a string; null when absent.</summary>
    public string? GetHeader(SipHeaderId id)
    {
        var i = IndexOf(id, 0);
        return i < 0 ? null : Encoding.UTF8.GetString(HeaderTable[i].Value.Of(Span));
    }

    /// <summary>The first value of a header by name (case-insensitive, compact forms understood); null when absent.</summary>
    public string? GetHeader(string name)
    {
        var values = GetHeaders(name);
        return values.Count == 0 ? null : values[0];
    }

    /// <summary>All values of a header (one per header line, not split on commas).</summary>
    public IReadOnlyList<string> GetHeaders(SipHeaderId id)
    {
        var list = new List<string>();
        for (var i = IndexOf(id, 0); i >= 0; i = IndexOf(id, i + 1))
        {
            list.Add(Encoding.UTF8.GetString(HeaderTable[i].Value.Of(Span)));
        }

        return list;
    }

    /// <summary>All values of a header by name, known or not.</summary>
    public IReadOnlyList<string> GetHeaders(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var id = SipHeaderNames.Lookup(name);
        if (id != SipHeaderId.Unknown)
        {
            return GetHeaders(id);
        }

        var list = new List<string>();
        var nameBytes = Encoding.UTF8.GetBytes(name);
        for (var i = 0; i < HeaderTableCount; i++)
        {
            var e = HeaderTable[i];
            if (e.Id == SipHeaderId.Unknown && Ascii.EqualsIgnoreCase(e.Name.Of(Span), nameBytes))
            {
                list.Add(Encoding.UTF8.GetString(e.Value.Of(Span)));
            }
        }

        return list;
    }

    /// <summary>Headers the parser does not know, in order, as (name, value).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> GetUnknownHeaders()
    {
        var list = new List<KeyValuePair<string, string>>();
        for (var i = 0; i < HeaderTableCount; i++)
        {
            var e = HeaderTable[i];
            if (e.Id == SipHeaderId.Unknown)
            {
                list.Add(new(Encoding.UTF8.GetString(e.Name.Of(Span)), Encoding.UTF8.GetString(e.Value.Of(Span))));
            }
        }

        return list;
    }

    /// <summary>The comma-separated items of every header with this id (Accept, Allow, Require, Supported, Unsupported, Allow-Events...).</summary>
    public IReadOnlyList<string> GetList(SipHeaderId id)
    {
        var list = new List<string>();
        for (var i = IndexOf(id, 0); i >= 0; i = IndexOf(id, i + 1))
        {
            SipSyntax.SplitList(HeaderTable[i].Value.Of(Span), list);
        }

        return list;
    }

    /// <summary>Every Via entry, top first (comma-separated entries included).</summary>
    public bool TryGetVias(out IReadOnlyList<SipVia> vias)
    {
        var list = new List<SipVia>();
        vias = list;
        var ok = true;
        ForEachItem(SipHeaderId.Via, range =>
        {
            if (ViaRanges.TryScan(Span, range, out var r))
            {
                list.Add(new SipVia(Span, r));
            }
            else
            {
                ok = false;
            }
        });
        return ok;
    }

    /// <summary>The top Via entry (validated at intake).</summary>
    public SipVia TopVia => new(Span, TopViaRanges);

    public bool TryGetFrom(out SipNameAddress? from) => TryGetAddress(FromIndex, out from);

    public bool TryGetTo(out SipNameAddress? to) => TryGetAddress(ToIndex, out to);

    /// <summary>The raw From value.</summary>
    public string FromText => FromIndex < 0 ? string.Empty : Encoding.UTF8.GetString(HeaderTable[FromIndex].Value.Of(Span));

    /// <summary>The raw CSeq value (echoed in responses even when malformed).</summary>
    public string CSeqText => CSeqIndex < 0 ? string.Empty : Encoding.UTF8.GetString(HeaderTable[CSeqIndex].Value.Of(Span));

    public string ToText => ToIndex < 0 ? string.Empty : Encoding.UTF8.GetString(HeaderTable[ToIndex].Value.Of(Span));

    public string? ContentType => GetHeader(SipHeaderId.ContentType);

    /// <summary>SIP-ETag (RFC 3903), raw.</summary>
    public string? SipETag => GetHeader(SipHeaderId.SipETag);

    /// <summary>SIP-If-Match (RFC 3903), raw.</summary>
    public string? SipIfMatch => GetHeader(SipHeaderId.SipIfMatch);

    /// <summary>Contact entries (<c>*</c> included); false when any entry is malformed.</summary>
    public bool TryGetContacts(out IReadOnlyList<SipContact> contacts)
    {
        var list = new List<SipContact>();
        contacts = list;
        var ok = true;
        ForEachItem(SipHeaderId.Contact, range =>
        {
            var item = range.Of(Span);
            if (item.Length == 1 && item[0] == (byte)'*')
            {
                list.Add(new SipContact(true, null));
            }
            else if (SipNameAddress.TryParse(item, out var a))
            {
                list.Add(new SipContact(false, a));
            }
            else
            {
                ok = false;
            }
        });
        return ok;
    }

    /// <summary>Name-addr list headers: Route, Record-Route, Path.</summary>
    public bool TryGetAddressList(SipHeaderId id, out IReadOnlyList<SipNameAddress> addresses)
    {
        var list = new List<SipNameAddress>();
        addresses = list;
        var ok = true;
        ForEachItem(id, range =>
        {
            if (SipNameAddress.TryParse(range.Of(Span), out var a))
            {
                list.Add(a!);
            }
            else
            {
                ok = false;
            }
        });
        return ok;
    }

    public bool TryGetEvent(out SipEventHeader? value)
    {
        value = null;
        var i = IndexOf(SipHeaderId.Event, 0);
        if (i < 0)
        {
            return false;
        }

        var v = HeaderTable[i].Value.Of(Span);
        var semi = v.IndexOf((byte)';');
        var package = SipSyntax.Trim(semi < 0 ? v : v[..semi]);
        if (!SipSyntax.IsToken(package))
        {
            return false;
        }

        var ps = semi < 0 ? [] : SipSyntax.ParseParameters(v[semi..]);
        string? id = null;
        foreach (var p in ps)
        {
            if (string.Equals(p.Key, "id", StringComparison.OrdinalIgnoreCase))
            {
                id = p.Value;
            }
        }

        value = new SipEventHeader(Encoding.ASCII.GetString(package), id, ps);
        return true;
    }

    /// <summary>Expires in seconds; false when absent or malformed.</summary>
    public bool TryGetExpires(out long seconds) => TryGetNumber(SipHeaderId.Expires, out seconds);

    public bool TryGetMinExpires(out long seconds) => TryGetNumber(SipHeaderId.MinExpires, out seconds);

    public bool TryGetSubscriptionState(out SipSubscriptionState? state)
    {
        state = null;
        var i = IndexOf(SipHeaderId.SubscriptionState, 0);
        if (i < 0)
        {
            return false;
        }

        var v = HeaderTable[i].Value.Of(Span);
        var semi = v.IndexOf((byte)';');
        var s = SipSyntax.Trim(semi < 0 ? v : v[..semi]);
        if (!SipSyntax.IsToken(s))
        {
            return false;
        }

        long? expires = null, retry = null;
        string? reason = null;
        if (semi >= 0)
        {
            foreach (var p in SipSyntax.ParseParameters(v[semi..]))
            {
                if (string.Equals(p.Key, "expires", StringComparison.OrdinalIgnoreCase) && long.TryParse(p.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var e))
                {
                    expires = e;
                }
                else if (string.Equals(p.Key, "retry-after", StringComparison.OrdinalIgnoreCase) && long.TryParse(p.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var r))
                {
                    retry = r;
                }
                else if (string.Equals(p.Key, "reason", StringComparison.OrdinalIgnoreCase))
                {
                    reason = p.Value;
                }
            }
        }

        state = new SipSubscriptionState(Encoding.ASCII.GetString(s).ToLowerInvariant(), expires, reason, retry);
        return true;
    }

    internal bool TryGetNumber(SipHeaderId id, out long value)
    {
        value = 0;
        var i = IndexOf(id, 0);
        return i >= 0 && SipSyntax.TryParseNumber(HeaderTable[i].Value.Of(Span), uint.MaxValue, out value);
    }

    internal int IndexOf(SipHeaderId id, int from)
    {
        if (_disposed != 0)
        {
            ThrowDisposed();
        }

        for (var i = from; i < HeaderTableCount; i++)
        {
            if (HeaderTable[i].Id == id)
            {
                return i;
            }
        }

        return -1;
    }

    internal ref readonly SipHeaderEntry Entry(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)HeaderTableCount, nameof(index));
        return ref HeaderTable[index];
    }

    /// <summary>Calls <paramref name="action"/> with the range of each comma-separated item of every header with this id.</summary>
    internal void ForEachItem(SipHeaderId id, Action<ByteRange> action)
    {
        for (var i = IndexOf(id, 0); i >= 0; i = IndexOf(id, i + 1))
        {
            var value = HeaderTable[i].Value;
            var pos = value.Start;
            while (pos <= value.End)
            {
                var rest = Span[pos..value.End];
                var comma = SipSyntax.IndexOfOutside(rest, (byte)',');
                var item = SipSyntax.Trim(Span, pos, comma < 0 ? rest.Length : comma);
                if (!item.IsEmpty)
                {
                    action(item);
                }

                if (comma < 0)
                {
                    break;
                }

                pos += comma + 1;
            }
        }
    }

    /// <summary>The next comma-separated item of the headers with this id, without a delegate: start with
    /// <paramref name="index"/> = -1; each call moves <paramref name="index"/> (header) and <paramref name="pos"/> (offset) on.</summary>
    internal bool NextItem(SipHeaderId id, ref int index, ref int pos, out ByteRange item)
    {
        var span = Span;
        while (true)
        {
            if (index < 0 || pos > HeaderTable[index].Value.End)
            {
                index = IndexOf(id, index + 1);
                if (index < 0)
                {
                    item = default;
                    return false;
                }

                pos = HeaderTable[index].Value.Start;
            }

            var end = HeaderTable[index].Value.End;
            var rest = span[pos..end];
            var comma = SipSyntax.IndexOfOutside(rest, (byte)',');
            item = SipSyntax.Trim(span, pos, comma < 0 ? rest.Length : comma);
            pos = comma < 0 ? end + 1 : pos + comma + 1;
            if (!item.IsEmpty)
            {
                return true;
            }
        }
    }

    private bool TryGetAddress(int index, out SipNameAddress? value)
    {
        value = null;
        return index >= 0 && SipNameAddress.TryParse(HeaderTable[index].Value.Of(Span), out value);
    }
}
