export const spiral = (rows) => {
  if (rows.some((row) => row.length !== rows[0].length)) {
    throw new Error('rows must have equal length');
  }
  const walk = [];
  let top = 0;
  let bottom = rows.length - 1;
  let left = 0;
  let right = rows.length > 0 ? rows[0].length - 1 : -1;
  while (top <= bottom && left <= right) {
    for (let c = left; c <= right; c += 1) walk.push(rows[top][c]);
    for (let r = top + 1; r <= bottom; r += 1) walk.push(rows[r][right]);
    if (top < bottom) {
      for (let c = right - 1; c >= left; c -= 1) walk.push(rows[bottom][c]);
    }
    if (left < right) {
      for (let r = bottom - 1; r > top; r -= 1) walk.push(rows[r][left]);
    }
    top += 1;
    bottom -= 1;
    left += 1;
    right -= 1;
  }
  return walk;
};
