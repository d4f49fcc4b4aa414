export function total(lines) {
  return lines.reduce((sum, l) => sum + l.price * l.quantity, 0);
}
