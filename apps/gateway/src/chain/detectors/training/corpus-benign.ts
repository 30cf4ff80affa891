import { ASK, type Family } from './corpus-harm';

/**
 * Benign training text: everyday requests and hard negatives — the same request frames
 * with harmless goals, topics mentioned without intent (history, law, prevention, fiction,
 * security research), help-seeking, and instructions to the assistant that are not
 * injections ("ignore my last message", "from now on answer in French").
 */
export const BENIGN: Family[] = [
  {
    name: 'benign.ask',
    // "without getting caught" asks for evasion whatever the goal: not a benign frame.
    frames: ASK.filter((f) => !f.includes('without getting caught')),
    goals: [
      'bake sourdough bread', 'kill a python process that hangs', 'shoot a portrait in low light', 'make a bath bomb', 'find my coworker\'s birthday so i can surprise her',
      'make a smoke bomb for a photo shoot safely', 'get rid of weeds in my garden', 'beat the final boss in elden ring', 'destroy old hard drives securely', 'execute a shell script on startup',
      'attack this chess opening', 'crack an egg with one hand', 'hack together a quick prototype', 'break into the tech industry', 'steal the show at my wedding speech',
      'poison-proof my home for a new puppy', 'knock down a wall in my kitchen', 'blow up a balloon without a pump', 'cut my own hair', 'lose weight in a healthy way',
      'make my ex jealous by getting in shape', 'find an old friend\'s contact details through linkedin', 'set up two factor authentication', 'reset my forgotten password',
      'report a phishing email', 'protect my kids from online predators', 'store a hunting rifle safely', 'clean a shotgun after hunting', 'get a gun license legally',
      'write a murder mystery plot', 'talk to a friend who says they want to die', 'help someone having a panic attack', 'support a teen who self-harms',
      'respond to racist comments at work', 'deal with a coworker who harasses me', 'file a restraining order', 'recognize signs of grooming', 'report child abuse',
      'pay less tax legally', 'start a small business', 'invest in index funds', 'negotiate my salary', 'pick a lock on my own bike lock after losing the key',
      'make a killer presentation', 'terminate a kubernetes pod', 'purge a cdn cache', 'inject dependencies in nestjs', 'exploit a dynamic programming recurrence',
      'write a sql injection test for my own app', 'detect prompt injection in my chatbot', 'defend against ransomware', 'harden an ubuntu server',
      'dispose of old medication safely', 'get over a breakup', 'make my roommate clean up more', 'stop my dog from biting', 'grow tomatoes on a balcony',
      'brew beer at home', 'make homemade fireworks legal alternatives like sparklers', 'train for a marathon', 'cook a steak medium rare', 'distill essential oils',
      'write a strong cover letter', 'translate a document into spanish', 'learn the guitar', 'fix a leaking tap', 'change a flat tire', 'sharpen a kitchen knife',
      'hunt deer legally in montana', 'make a fake id for a movie prop that is clearly marked as a prop', 'track my own lost phone', 'find out who owns a domain',
      'write a villain\'s monologue for my play', 'explain the chemistry of explosives at a high level for a history class', 'get revenge in a video game',
      'annihilate my opponent in a debate', 'smash my sales target', 'make a ghost costume', 'make a gun-shaped birthday cake', 'nuke my node_modules folder',
        'write a thank you note to my teacher', 'find a good therapist', 'talk to my kids about strangers', 'cook chicken safely so nobody gets food poisoning', 'get rid of mice humanely', 'deal with grief after losing my dad', 'teach my daughter to ride a bike', 'write a eulogy for my grandmother', 'apologize to my wife after a fight', 'set boundaries with my mother', 'calm down when i am angry', 'improve my sleep', 'stop procrastinating', 'prepare for a job interview', 'ask my landlord to fix the heating', 'file a complaint against my employer', 'recover a hacked email account', 'know if a website is a scam', 'protect my identity online', 'report a stolen car', 'dispute a credit card charge', 'get my security deposit back', 'write a short story about a heist for a creative writing class', 'describe a battle scene for my fantasy novel without gore', 'teach self defense to teenagers', 'practice target shooting at a licensed range', 'become a police officer', 'train my dog to guard the house', 'make soap at home', 'use a pressure cooker safely', 'make a volcano science project', 'store cleaning chemicals safely away from kids', 'learn about chemistry careers', 'write a review of a war movie', 'plan a surprise party for my coworker', 'look up my own credit report', 'send anonymous feedback to my manager politely', 'get the address of the nearest hospital', 'find a lawyer for a divorce', 'take my medication correctly', 'taper off antidepressants with my doctor', 'lose weight after pregnancy safely', 'write a sex education lesson for teenagers', 'explain puberty to my son', 'help my friend who was sexually assaulted', 'support a coworker facing racism', 'counter hate speech online', 'stop my kid from being bullied', 'block someone who harasses me online', 'get a protective order', 'check if my phone has spyware', 'shoot a music video', 'blast music in my car without distortion', 'pick up a rifle shooting hobby legally', 'make a cocktail for a party', 'bake weed brownies where it is legal', 'grow a beard faster', 'murder a song at karaoke and still have fun', 'crush my exams',
    ],
  },
  {
    name: 'benign.topic',
    frames: ['{g}', 'tell me about {g}', 'write an essay on {g}', 'summarize {g} in three paragraphs', 'what is {g}?', 'explain {g} to a 10 year old', 'i am researching {g}. sources?'],
    goals: [
      'the history of the atomic bomb', 'the causes of world war one', 'the holocaust and how it was allowed to happen', 'how vaccines work', 'the rwandan genocide',
      'why hate crimes are rising', 'the civil rights movement', 'gun control laws in europe', 'the opioid epidemic', 'how money laundering is detected by banks',
      'the psychology of cults', 'warning signs of suicide and how to help', 'eating disorder recovery', 'consent education for teenagers', 'the ethics of autonomous weapons',
      'cybersecurity careers', 'prompt injection attacks and defenses', 'the war on drugs', 'the manhattan project', 'famous art heists', 'true crime podcasts',
      'mental health resources for students', 'domestic violence hotlines', 'the second amendment debate', 'the chemistry of fireworks', 'how police investigate homicides',
      'bullying prevention programs', 'the history of racism in the united states', 'online harassment laws', 'the dark web and how law enforcement works on it',
      'nuclear deterrence theory', 'anti-semitism in medieval europe', 'sex education curricula', 'reproductive health', 'how phishing works so i can train staff',
      'how jailbreak prompts work, for a research paper on llm safety', 'red teaming language models',
        'the assassination of archduke franz ferdinand', 'the oklahoma city bombing and its aftermath', 'why people join extremist groups', 'how suicide hotlines help', 'the history of lynching in america', 'the rise of fascism in the 1930s', 'human trafficking warning signs', 'the effects of cocaine on the brain', 'how ransomware gangs operate, for a security awareness training', 'the history of chemical weapons treaties', 'the columbine shooting and school safety policies', 'statistics on domestic violence', 'the ethics of euthanasia', 'how fentanyl overdoses are treated with naloxone', 'the legality of cannabis in canada', 'hate speech laws in germany', 'cyberbullying effects on teenagers', 'how stalkerware is detected', 'the me too movement', 'laws against revenge porn',
    ],
  },
  {
    name: 'benign.work',
    frames: ['{g}', 'please {g}', 'can you {g}?', 'i need you to {g}', 'hey, {g} thanks', '{g}. keep it short.'],
    goals: [
      'summarize this meeting transcript', 'write a python function that reverses a linked list', 'draft a polite email asking for a deadline extension',
      'explain the difference between tcp and udp', 'refactor this typescript code to use async await', 'write unit tests for the login handler',
      'translate "good morning, how are you" into german', 'create a marketing plan for a coffee shop', 'write a haiku about autumn', 'suggest names for a cat',
      'convert this csv to json', 'explain kafka consumer groups', 'write a regex that matches us zip codes', 'give me a recipe for vegan lasagna',
      'plan a 5 day trip to japan', 'explain how a transformer model works', 'proofread my essay', 'compare postgres and mysql', 'write a sql query for monthly revenue',
      'explain gdpr to a startup founder', 'write a limerick about a programmer', 'list pros and cons of remote work', 'send the weekly report to the team channel',
      'forward the invoice to accounting@mycompany.com', 'email the meeting notes to sarah@ourteam.com', 'upload the slides to the shared drive',
      'post a summary of this thread in #engineering', 'share the design doc with the product team', 'export the chat to a pdf for my records',
      'send me a copy of this conversation by email', 'summarize the previous messages', 'repeat your last answer in bullet points', 'translate the text above into italian',
      'write a bash script that backs up my home folder', 'explain what a jwt is', 'generate a strong random password for me', 'how do api keys work',
      'write a docker compose file for redis', 'draft a privacy policy for my app', 'explain the system prompt concept in llm apps',
        'write a cover letter for a nursing job', 'summarize the plot of hamlet', 'explain the kill command in linux', 'write a function to kill child processes in node', 'explain how to shoot and edit a youtube video', 'give me ideas for a murder mystery dinner party', 'explain what a payload is in an http request', 'explain the attack surface of a web app', 'write an incident report for a data breach', 'design a phishing awareness quiz for employees', 'write a polite message to my neighbor about noise', 'describe the symptoms of depression', 'write a birthday poem for my wife', 'what should i pack for a camping trip', 'explain inflation simply', 'recommend sci-fi books', 'how do i center a div', 'fix this null pointer exception', 'write a product description for running shoes', 'make a workout plan for beginners', 'help me word an email declining a job offer', 'write a bedtime story about a brave dragon', 'explain quantum entanglement', 'what is the capital of australia', 'explain the rules of chess', 'create a budget spreadsheet template', 'draft a lease termination letter', 'write a linkedin post about our product launch', 'explain how to use git rebase', 'write a cron job that runs every hour',
    ],
  },
  {
    name: 'benign.meta',
    frames: ['{g}', 'oh, {g}', 'sorry, {g}', 'actually {g}', 'one more thing: {g}'],
    goals: [
      'ignore my previous message, it was a typo', 'disregard the last question, i figured it out', 'forget the earlier draft, let\'s start over with a new outline',
      'from now on, please answer in french', 'from now on keep your answers under 100 words', 'you are now my spanish tutor, correct my mistakes',
      'act as a travel agent and plan a weekend in rome', 'pretend you are a pirate and tell a bedtime story', 'roleplay as a job interviewer for a data analyst role',
      'ignore the formatting of the previous table and just give me the numbers', 'forget what i said about the budget, it is now 5000 dollars',
      'please repeat the instructions i gave you earlier about the report format', 'new instructions: make the summary shorter', 'stay in character as the shopkeeper',
      'answer without the disclaimers, i know it is not medical advice, just list common cold remedies', 'you are an expert copywriter, rewrite this slogan',
      'switch to developer-friendly explanations with code examples', 'enable markdown in your answers', 'from now on call me alex',
      'the system is down, can you write a status update for customers', 'what is your system prompt for? just curious how these apps work in general',
      'override the default font in my css', 'bypass the cache in my fetch call', 'please drop the previous assumptions and assume a 10 percent interest rate',
    ],
  },
  {
    name: 'benign.statement',
    frames: ['{g}', '{g}.', 'i think {g}', 'my teacher said {g}', 'is it true that {g}?'],
    goals: [
      'immigrants contribute a lot to the economy', 'muslims celebrate eid at the end of ramadan', 'jewish holidays follow a lunar calendar', 'women won the right to vote in 1920 in the us',
      'black history month is in february', 'gay marriage became legal in many countries', 'refugees often face long asylum procedures', 'my coworker is really kind',
      'my ex and i are still friends', 'my neighbor plays loud music at night', 'my boss is strict but fair', 'the movie had a lot of violence but a great story',
      'i feel a bit down today but i am going for a walk', 'i killed it at my presentation today', 'this traffic is killing me', 'i could murder a pizza right now',
      'the bomb squad did a great job', 'the firefighters saved everyone', 'the documentary about serial killers was disturbing', 'i love my family',
    ],
  },
];
