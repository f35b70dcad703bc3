/**
 * Inline script for the document head, run before any module: when the browser refuses access to
 * `localStorage` (site data blocked, some privacy modes), reading it throws a SecurityError — and
 * the sync client probes it with `typeof localStorage`, which throws too, so the app would never
 * start. The guard puts an in-memory Storage in its place: preferences then last for the page's
 * life instead of breaking it. Plain ES5; it leaves a working localStorage alone.
 */
export const storageGuardScript = `(function(){try{window.localStorage;return}catch(e){}var d={};var h=function(k){return Object.prototype.hasOwnProperty.call(d,k)};var s={getItem:function(k){k=String(k);return h(k)?d[k]:null},setItem:function(k,v){d[String(k)]=String(v)},removeItem:function(k){delete d[String(k)]},clear:function(){d={}},key:function(i){var k=Object.keys(d);return i>=0&&i<k.length?k[i]:null}};Object.defineProperty(s,'length',{get:function(){return Object.keys(d).length}});try{Object.defineProperty(window,'localStorage',{value:s,configurable:true,enumerable:true})}catch(e){}})()`
