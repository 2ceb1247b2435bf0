#if !NET9_0_OR_GREATER
namespace Pulse.Internal;

/// <summary>
/// .NET 9's <c>MemoryExtensions.Split(ReadOnlySpan&lt;char&gt;, char)</c> for the .NET 8 build: the ranges between
/// separators, with empty ones, in order, without allocating. The .NET 9+ builds use the framework's own.
/// </summary>
internal static class SpanSplitPolyfill
{
    public static RangeEnumerator Split(this ReadOnlySpan<char> span, char separator) => new(span, separator);

    public ref struct RangeEnumerator
    {
        private readonly ReadOnlySpan<char> _span;
        private readonly char _separator;
        private int _start;
        private bool _done;

        internal RangeEnumerator(ReadOnlySpan<char> span, char separator)
        {
            _span = span;
            _separator = separator;
        }

        public Range Current { get; private set; }

        public readonly RangeEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_done)
            {
                return false;
            }

            var length = _span[_start..].IndexOf(_separator);
            if (length < 0)
            {
                Current = _start.._span.Length;
                _done = true;
            }
            else
            {
                Current = _start..(_start + length);
                _start += length + 1;
            }

            return true;
        }
    }
}
#endif
