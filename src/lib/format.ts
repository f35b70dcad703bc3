// A fixed locale: the server and the browser must print the same digits, or hydration mismatches.
const integerFormat = new Intl.NumberFormat('en-US')

export function formatCount(value: number) {
  return integerFormat.format(value)
}
